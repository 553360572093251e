uv run python retries.py
