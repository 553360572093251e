uv run python regional_totals.py
