uv run python use_secret.py
