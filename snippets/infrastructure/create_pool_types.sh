uv run prefect work-pool create my-docker-pool --type docker
uv run prefect work-pool create my-k8s-pool --type kubernetes
