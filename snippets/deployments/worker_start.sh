uv run prefect worker start --pool my-pool
