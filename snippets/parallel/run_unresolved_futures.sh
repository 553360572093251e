uv run python unresolved_futures.py
