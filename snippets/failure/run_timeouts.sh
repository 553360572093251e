uv run python timeouts.py
