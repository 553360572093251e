PREFECT_SERVER_API_PORT=4300 uv run prefect server start
