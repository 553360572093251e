export PREFECT_API_AUTH_STRING="$(cat ~/.prefect/auth-string)"
uv run prefect worker start --pool my-pool
