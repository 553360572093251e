uv add prefect-dask
