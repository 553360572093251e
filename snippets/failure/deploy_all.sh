uv run prefect deploy --all
