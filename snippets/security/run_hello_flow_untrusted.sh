env -u PREFECT_API_SSL_CERT_FILE PREFECT_API_URL=https://localhost:8443/api uv run python hello_flow.py
