uv run prefect --no-prompt deploy --all --prefect-file malformed.yaml
