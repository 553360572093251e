uv run python named_runs.py
