uv run python parallel_tasks.py
