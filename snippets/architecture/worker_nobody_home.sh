uv run prefect worker start --pool nobody-home
