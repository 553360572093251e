uv run prefect deployment run hello-flow/hello-deploymnet
