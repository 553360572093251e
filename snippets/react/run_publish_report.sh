uv run python publish_report.py
