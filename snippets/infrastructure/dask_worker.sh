uv run dask worker tcp://127.0.0.1:8786 --nworkers 2
