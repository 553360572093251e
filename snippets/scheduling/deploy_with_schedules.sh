uv run python deploy_with_schedules.py
