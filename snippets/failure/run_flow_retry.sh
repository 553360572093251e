uv run python flow_retry.py
