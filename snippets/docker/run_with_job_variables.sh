uv run prefect deployment run where-am-i/in-a-container --watch \
  --job-variable mem_limit=512m \
  --job-variable 'env={"GREETING": "Hello from this run"}'
