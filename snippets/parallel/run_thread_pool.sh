uv run python thread_pool.py
