uv run python deploy_wrong_entrypoint.py
