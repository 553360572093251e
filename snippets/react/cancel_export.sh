# cancel each running slow-export run
uv run prefect flow-run ls --flow-name slow-export --state-type RUNNING --output json \
  | uv run python -c 'import json, sys; print(*(r["id"] for r in json.load(sys.stdin)))' \
  | xargs -n 1 uv run prefect flow-run cancel
