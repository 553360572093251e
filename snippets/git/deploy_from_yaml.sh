uv run prefect deploy --prefect-file from-git.yaml --name from-git-yaml
