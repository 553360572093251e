uv run prefect server start --workers 2
