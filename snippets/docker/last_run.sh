uv run python last_run.py where-am-i/in-a-container
