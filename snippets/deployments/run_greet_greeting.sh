uv run prefect deployment run greet/greet-deployment --param name=Marvin --param greeting=Hi --watch
