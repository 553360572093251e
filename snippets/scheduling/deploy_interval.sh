uv run prefect deploy hello_flow.py:hello_flow -n hello-deployment -p my-pool --interval 60
