uv run prefect server start --port 4300
