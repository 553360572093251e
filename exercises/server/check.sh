uv run python check_server.py
