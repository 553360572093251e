uv run python check_deployments.py
