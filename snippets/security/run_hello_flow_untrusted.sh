PREFECT_API_URL=https://localhost:8443/api uv run python hello_flow.py
