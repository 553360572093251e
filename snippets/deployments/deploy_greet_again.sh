uv run prefect deploy -n greet-deployment
