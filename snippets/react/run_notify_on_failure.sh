uv run python notify_on_failure.py
