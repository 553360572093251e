uv run python wait_for_futures.py
