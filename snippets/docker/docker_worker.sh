uv run prefect worker start --pool my-docker-pool
