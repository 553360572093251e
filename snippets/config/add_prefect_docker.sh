uv add prefect-docker
