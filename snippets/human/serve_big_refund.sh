uv run python big_refund.py
