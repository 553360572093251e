uv run python hello_world.py
