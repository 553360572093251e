from datetime import date

from prefect.deployments import run_deployment

# One key per night: whoever triggers tonight's run again gets the same run back.
key = f"slow-count/nightly/{date.today()}"

first = run_deployment(
    "slow-count/nightly", parameters={"to": 3}, idempotency_key=key, timeout=0
)
second = run_deployment(
    "slow-count/nightly", parameters={"to": 3}, idempotency_key=key, timeout=0
)
print(f"the second trigger got the first run back: {second.id == first.id}")
