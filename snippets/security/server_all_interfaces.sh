uv run prefect server start --host 0.0.0.0
