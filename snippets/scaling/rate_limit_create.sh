uv run prefect gcl create weather --limit 2 --slot-decay-per-second 1
