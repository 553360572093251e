uv run prefect deploy --prefect-file moved-away.yaml --name moved-away
