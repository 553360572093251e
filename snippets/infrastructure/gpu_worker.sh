uv run prefect worker start --pool gpu
