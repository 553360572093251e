uv run python run_history.py slow-count/nightly
