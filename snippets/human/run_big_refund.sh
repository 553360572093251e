uv run prefect deployment run big-refund/by-hand --param order=B-7 --param amount=1200
