uv run python slow_export.py
