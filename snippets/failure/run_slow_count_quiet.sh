# thirty seconds, and not a word
uv run prefect deployment run 'slow-count/nightly' --param to=30 --param quiet=true
