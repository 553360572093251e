uv run python impatient_refund.py
