read -rsp "Auth string (user:password): " PREFECT_API_AUTH_STRING && echo
export PREFECT_API_AUTH_STRING
uv run python hello_flow.py
