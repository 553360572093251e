uv run python run_from_python.py
