uv run prefect config unset PREFECT_API_AUTH_STRING
