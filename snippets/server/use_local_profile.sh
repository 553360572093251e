uv run prefect profile use local
