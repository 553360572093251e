uv run prefect automation delete crash-zombie-flow-runs
