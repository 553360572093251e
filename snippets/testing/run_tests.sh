uv run pytest -q
