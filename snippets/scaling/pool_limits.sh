uv run prefect work-pool set-concurrency-limit shared-pool 6
uv run prefect work-queue set-concurrency-limit default 3 --pool shared-pool
