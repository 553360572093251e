uv run prefect work-pool create gpu --type process
uv run python deploy_to_gpu.py
