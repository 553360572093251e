# weekday-mornings has one schedule: take its ID from `schedule ls`, as JSON
SCHEDULE_ID=$(uv run prefect deployment schedule ls hello-flow/weekday-mornings -o json \
  | uv run python -c "import json, sys; print(json.load(sys.stdin)[0]['id'])")
uv run prefect deployment schedule resume hello-flow/weekday-mornings "$SCHEDULE_ID"
