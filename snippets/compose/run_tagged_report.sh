uv run python tagged_report.py
