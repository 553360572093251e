uv run python async_tasks.py
