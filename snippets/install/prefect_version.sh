uv run prefect version
