uv run python deployment_parameters.py
