uv run python serve_every_minute.py
