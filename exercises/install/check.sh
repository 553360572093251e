uv run python check_install.py
