uv run python futures_between_tasks.py
