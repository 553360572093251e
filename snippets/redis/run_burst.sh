PREFECT_LOGGING_LEVEL=WARNING uv run python burst.py
