uv run python registry_credentials.py
