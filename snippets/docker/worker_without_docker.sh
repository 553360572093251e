DOCKER_HOST=unix:///tmp/no-docker-here.sock uv run prefect worker start --pool my-docker-pool
