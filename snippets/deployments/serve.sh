uv run python serve_hello.py
