uv run prefect config view
