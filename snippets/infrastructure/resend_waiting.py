from prefect import get_client
from prefect.client.schemas.filters import (
    TaskRunFilter,
    TaskRunFilterName,
    TaskRunFilterState,
    TaskRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import TaskRunSort
from prefect.futures import PrefectDistributedFuture
from prefect.states import Scheduled

# The runs of count_words that still wait, Scheduled, for a task worker.
waiting_runs = TaskRunFilter(
    name=TaskRunFilterName(any_=["count_words"]),
    state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.SCHEDULED])),
)

with get_client(sync_client=True) as client:
    waiting = client.read_task_runs(
        task_run_filter=waiting_runs, sort=TaskRunSort.EXPECTED_START_TIME_ASC
    )
    print(f"Runs of count_words still waiting: {len(waiting)}")
    for run in waiting:
        # Setting a delayed run's state to Scheduled again puts it back in the
        # server's queue; its parameters are still in task scheduling storage.
        state = Scheduled()
        state.state_details.deferred = True
        state.state_details.task_parameters_id = (
            run.state.state_details.task_parameters_id
        )
        client.set_task_run_state(run.id, state, force=True)

for run in waiting:
    words = PrefectDistributedFuture(task_run_id=run.id).result(timeout=20)
    print(f"A run sent again: {words} words")
