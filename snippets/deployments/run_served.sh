uv run prefect deployment run hello-flow/hello-served --watch
