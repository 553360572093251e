PREFECT_SERVER_API_AUTH_STRING="$(cat ~/.prefect/auth-string)" uv run prefect server start
