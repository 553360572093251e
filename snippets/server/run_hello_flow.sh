uv run python hello_flow.py
