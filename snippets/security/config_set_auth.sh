uv run prefect config set PREFECT_API_AUTH_STRING="admin:example-only-change-me"
uv run prefect config view
cat ~/.prefect/profiles.toml
