uv run prefect server start
