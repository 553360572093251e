uv run python logger_outside_a_run.py
