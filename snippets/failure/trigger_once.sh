uv run python trigger_once.py
