uv run python tolerant_report.py
