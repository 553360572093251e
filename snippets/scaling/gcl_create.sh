uv run prefect gcl create database --limit 2
