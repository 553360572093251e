uv run prefect profile ls
