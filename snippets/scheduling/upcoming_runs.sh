uv run python upcoming_runs.py hello-flow/hello-deployment
