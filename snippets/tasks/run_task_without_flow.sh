uv run python task_without_flow.py
