uv run prefect automation delete tell-me-about-failures
