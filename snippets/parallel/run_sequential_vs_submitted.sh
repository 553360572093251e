uv run python sequential_vs_submitted.py
