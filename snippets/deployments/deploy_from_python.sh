uv run python deploy_from_python.py
