# the process of each running slow-count run: the worker records its PID
uv run prefect flow-run ls --flow-name slow-count --state-type RUNNING --output json \
  | uv run python -c 'import json, sys; print(*(r["infrastructure_pid"] for r in json.load(sys.stdin)))' \
  | xargs kill -9
