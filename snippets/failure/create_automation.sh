uv run python crash_zombies.py
