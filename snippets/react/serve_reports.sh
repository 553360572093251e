uv run python serve_reports.py
