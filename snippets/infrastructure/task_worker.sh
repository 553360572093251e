uv run python task_worker.py
