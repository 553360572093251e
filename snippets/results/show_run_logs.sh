uv run python run_logs.py refresh-warehouse
