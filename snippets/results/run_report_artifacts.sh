uv run python report_artifacts.py
