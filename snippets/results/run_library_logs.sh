uv run python library_logs.py
