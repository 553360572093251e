PREFECT_LOGGING_LEVEL=WARNING uv run python library_logs.py
