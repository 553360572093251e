uv run prefect event emit report.published
