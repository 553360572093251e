uv run python count_records.py
