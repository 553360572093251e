uv run python caching.py
uv run python caching.py
uv run python caching.py 2026-11-25
