uv run python states.py
