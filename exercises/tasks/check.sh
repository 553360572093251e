uv run python check_tasks.py
