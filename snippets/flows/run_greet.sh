uv run python greet.py
