uv run prefect server start --no-services
