uv run python sales_report.py
