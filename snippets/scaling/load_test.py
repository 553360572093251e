"""Queue many runs of a deployment at once; wait for them; tell who ran what."""

import sys
import time
from collections import Counter

from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.deployments import run_deployment
from prefect.events.filters import EventFilter, EventNameFilter

DEPLOYMENT = "hello-flow/nightly"
RUNS = 20
WAIT_AT_MOST = 600  # seconds

start = time.monotonic()
# timeout=0: create the run and return at once, without waiting for it
run_ids = [run_deployment(DEPLOYMENT, timeout=0).id for _ in range(RUNS)]
print(f"Queued {RUNS} runs of {DEPLOYMENT} in {time.monotonic() - start:.1f} s")

with get_client(sync_client=True) as client:
    only_ours = FlowRunFilter(id=FlowRunFilterId(any_=run_ids))
    while True:
        runs = client.read_flow_runs(flow_run_filter=only_ours, limit=RUNS)
        if all(run.state.is_final() for run in runs):
            break
        if time.monotonic() - start > WAIT_AT_MOST:
            done = sum(run.state.is_final() for run in runs)
            sys.exit(
                f"Only {done} of {RUNS} runs ended within {WAIT_AT_MOST} s: "
                "is a worker polling the deployment's work pool?"
            )
        time.sleep(1)
    print(f"All {RUNS} ended within {time.monotonic() - start:.0f} s:")
    for state, count in Counter(run.state.name for run in runs).items():
        print(f"    {count} {state}")

    # Each worker reports each run it starts as an event; they reach the server's
    # event store within seconds. Count them per worker, and per run.
    ours = {str(run_id) for run_id in run_ids}
    while True:
        page = client.read_events(
            EventFilter(
                event=EventNameFilter(name=["prefect.worker.submitted-flow-run"])
            ),
            limit=50,  # the most the server sends at once; the rest come in pages
        )
        submitted = list(page.events)
        while page.next_page:
            page = client.read_events_page(page.next_page)
            submitted += page.events
        per_worker, per_run = Counter(), Counter()
        for event in submitted:
            runs_of_event = ours & {
                related.id.removeprefix("prefect.flow-run.")
                for related in event.related
            }
            if runs_of_event:
                per_worker[event.resource.name] += 1
                per_run.update(runs_of_event)
        if len(per_run) == RUNS or time.monotonic() - start > WAIT_AT_MOST:
            break
        time.sleep(1)
    for worker, count in sorted(per_worker.items()):
        print(f"    {worker} started {count}")
    once = sum(count == 1 for count in per_run.values())
    print(f"{once} of {RUNS} runs were started exactly once")
