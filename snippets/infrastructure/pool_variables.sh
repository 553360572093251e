uv run python pool_variables.py
