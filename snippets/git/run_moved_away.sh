uv run prefect deployment run weather/moved-away --watch
