uv run python missing_parameter.py
