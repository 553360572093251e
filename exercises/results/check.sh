uv run python check_results.py
