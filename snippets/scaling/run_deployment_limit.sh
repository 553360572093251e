uv run python deployment_limit.py
