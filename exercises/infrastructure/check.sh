uv run python check_infrastructure.py
