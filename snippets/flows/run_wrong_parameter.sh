uv run python wrong_parameter.py
