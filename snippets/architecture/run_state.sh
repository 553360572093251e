uv run python run_state.py hello-flow/unattended
