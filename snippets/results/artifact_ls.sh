uv run prefect artifact ls
