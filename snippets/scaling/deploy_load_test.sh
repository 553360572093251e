uv run prefect work-pool create shared-pool --type process
uv run python deploy_load_test.py
