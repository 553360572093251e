uv run python decide.py refund-B-7 '{"approved": true, "note": "ok by finance"}'
