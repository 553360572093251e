uv run python nightly_load.py
