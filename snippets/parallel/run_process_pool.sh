uv run python process_pool.py
