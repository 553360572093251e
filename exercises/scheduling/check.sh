uv run python check_scheduling.py
