uv run python task_calls_task.py
