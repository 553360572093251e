uv run prefect event emit report.published --resource-id report.sales.2026-12-01
