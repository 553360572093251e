uv run prefect deploy hello_flwo.py:hello_flow -n hello-deployment -p my-pool
