uv run prefect deployment run greet/greet-deployment --param times=twice
