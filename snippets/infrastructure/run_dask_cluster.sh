uv run python dask_cluster.py
