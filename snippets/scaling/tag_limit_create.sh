uv run prefect concurrency-limit create warehouse 2
