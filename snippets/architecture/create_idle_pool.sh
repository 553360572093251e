uv run prefect work-pool create nobody-home --type process
