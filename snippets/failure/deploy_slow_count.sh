uv run prefect work-pool create long-jobs --type process
uv run prefect --no-prompt deploy slow_count.py:slow_count --name nightly --pool long-jobs
