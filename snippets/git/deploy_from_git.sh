uv run python deploy_from_git.py
