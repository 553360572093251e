uv run python check_flows.py
