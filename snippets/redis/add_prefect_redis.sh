uv add prefect-redis
