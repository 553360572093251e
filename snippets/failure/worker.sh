# a heartbeat every 30 s from each flow run (Prefect's default is 180 s)
export PREFECT_FLOWS_HEARTBEAT_FREQUENCY=30
uv run prefect worker start --pool long-jobs
