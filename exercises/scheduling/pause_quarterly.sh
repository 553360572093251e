uv run prefect deployment schedule pause --all --no-prompt
