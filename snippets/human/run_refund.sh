uv run python refund.py
