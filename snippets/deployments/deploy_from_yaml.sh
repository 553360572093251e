uv run prefect deploy -n hello-deployment
