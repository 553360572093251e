uv run prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api
uv run prefect server start
