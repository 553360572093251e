PREFECT_API_AUTH_STRING="admin:not-the-password" uv run python hello_flow.py
