uv run prefect server services start
