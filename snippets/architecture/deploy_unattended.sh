uv run prefect deploy hello_flow.py:hello_flow -n unattended -p nobody-home
