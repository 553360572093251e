uv run python limited_queries.py
