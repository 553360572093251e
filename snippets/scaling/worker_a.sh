uv run prefect worker start --pool shared-pool --name worker-a --limit 4
