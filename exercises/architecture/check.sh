uv run python check_architecture.py
