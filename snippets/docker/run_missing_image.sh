uv run prefect deployment run where-am-i/in-a-container --watch --job-variable image=where-am-i:v9
