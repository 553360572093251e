uv run python check_parallel.py
