uv run prefect deploy --prefect-file schedules.yaml --all
