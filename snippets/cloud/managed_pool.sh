uv run prefect work-pool create in-the-cloud --type prefect:managed
