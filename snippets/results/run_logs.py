"""Print the log lines the server stored for the newest run of a flow."""

import sys

from prefect import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.sorting import FlowRunSort, LogSort

flow_name = sys.argv[1] if len(sys.argv) == 2 else sys.exit(__doc__)
with get_client(sync_client=True) as client:
    runs = client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
        sort=FlowRunSort.START_TIME_DESC,
        limit=1,
    )
    if not runs:
        sys.exit(f"No run of a flow named {flow_name!r} on this server")
    logs = client.read_logs(
        log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[runs[0].id])),
        sort=LogSort.TIMESTAMP_ASC,
    )
for line in logs:
    print(f"{line.name:<18} {line.level:>2}  {line.message}")
