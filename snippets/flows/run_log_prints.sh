uv run python log_prints.py
