uv run python send_tasks.py
