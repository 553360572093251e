uv run prefect --no-prompt deploy --prefect-file totals.yaml --name from-variable
