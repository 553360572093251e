uv run python hooks.py
