uv run python forgotten_slow_task.py
