uv run dask scheduler --host 127.0.0.1 --port 8786
