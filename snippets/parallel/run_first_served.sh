uv run python first_served.py
