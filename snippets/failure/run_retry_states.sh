uv run python retry_states.py
