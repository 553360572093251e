uv run prefect variable set report_regions '["eu", "us"]'
