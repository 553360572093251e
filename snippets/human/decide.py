"""Answer a flow run that waits for input: decide.py RUN_NAME '{"approved": true}'"""

import json
import sys

from prefect import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterName,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.flow_runs import resume_flow_run

if len(sys.argv) != 3:
    sys.exit(__doc__)
name, answer = sys.argv[1:]
try:
    run_input = json.loads(answer)
except json.JSONDecodeError as error:
    sys.exit(f"The answer is not JSON ({error}): {answer}")

with get_client(sync_client=True) as client:
    waiting = client.read_flow_runs(
        flow_run_filter=FlowRunFilter(
            name=FlowRunFilterName(any_=[name]),
            state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.PAUSED])
            ),
        )
    )
if not waiting:
    sys.exit(f"No run named {name!r} is waiting for input")
for run in waiting:
    try:
        resume_flow_run(run.id, run_input=run_input)
    except RuntimeError as refused:  # the server checked the input and said no
        sys.exit(f"{name} is still waiting. {refused}")
    print(f"Answered {name} with {answer}")
