uv run python save_secret.py
