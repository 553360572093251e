uv run prefect deploy greet.py:greet -n greet-deployment -p my-pool
