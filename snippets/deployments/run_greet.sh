uv run prefect deployment run greet/greet-deployment --param name=Marvin --param times=2 --watch
