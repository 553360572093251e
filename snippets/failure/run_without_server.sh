PREFECT_API_URL=http://127.0.0.1:4201/api uv run python hello_flow.py
