uv run prefect deployment run hello-flow/hello-deployment --watch
