uv run prefect deployment run where-am-i/in-a-container --watch
