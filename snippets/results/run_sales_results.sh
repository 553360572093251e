uv run python sales_results.py
