uv run prefect deployment run weather/from-git-yaml
