export PREFECT_API_URL=https://localhost:8443/api
export PREFECT_API_SSL_CERT_FILE="$PWD/prefect.crt"
uv run python hello_flow.py
