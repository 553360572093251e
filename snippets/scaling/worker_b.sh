uv run prefect worker start --pool shared-pool --name worker-b --limit 4
