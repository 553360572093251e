uv run python deploy_to_docker.py
