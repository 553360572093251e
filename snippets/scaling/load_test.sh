uv run python load_test.py
