uv run python receiver.py
