uv run prefect deployment schedule ls hello-flow/hello-deployment
