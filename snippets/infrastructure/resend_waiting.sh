uv run python resend_waiting.py
