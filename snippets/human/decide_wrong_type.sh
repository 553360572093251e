uv run python decide.py refund-A-1001 '{"approved": "yes"}'
