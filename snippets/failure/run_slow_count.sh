uv run prefect deployment run 'slow-count/nightly'
