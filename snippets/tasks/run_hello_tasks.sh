uv run python hello_tasks.py
