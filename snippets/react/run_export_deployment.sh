uv run prefect deployment run 'slow-export/manual'
