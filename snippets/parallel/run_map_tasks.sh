uv run python map_tasks.py
