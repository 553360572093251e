uv run prefect work-pool create my-pool --type process --overwrite
uv run prefect --no-prompt deploy hello_flow.py:hello_flow -n hello-deployment -p my-pool
