uv run python dask_local.py
