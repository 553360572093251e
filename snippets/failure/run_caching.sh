uv run python caching.py
uv run python caching.py
