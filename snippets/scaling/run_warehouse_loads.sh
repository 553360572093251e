uv run python warehouse_loads.py
