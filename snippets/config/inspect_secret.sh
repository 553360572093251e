uv run prefect block inspect secret/warehouse-password
