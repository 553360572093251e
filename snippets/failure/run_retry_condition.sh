uv run python retry_condition.py
