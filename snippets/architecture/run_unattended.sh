uv run prefect deployment run hello-flow/unattended
