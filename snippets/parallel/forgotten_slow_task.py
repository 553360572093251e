import threading
import time

from prefect import flow, get_client, task
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

report_started = threading.Event()


@task
def send_report() -> None:
    report_started.set()
    time.sleep(2)  # still sending when the flow function returns


@flow
def nightly():
    send_report.submit()  # the future is never waited on
    report_started.wait(timeout=30)  # return only once the report is under way


if __name__ == "__main__":
    state = nightly(return_state=True)
    flow_run_id = state.state_details.flow_run_id
    of_this_flow_run = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        # A task run's states reach the server as events, a moment after they
        # happen: wait until its final state is recorded.
        for _ in range(300):
            task_runs = client.read_task_runs(flow_run_filter=of_this_flow_run)
            if task_runs and task_runs[0].state and task_runs[0].state.is_final():
                break
            time.sleep(0.1)
        else:
            raise TimeoutError("the task run's end was not recorded within 30 s")
    task_run = task_runs[0]
    print(f"The flow run: {flow_run.state.name}, {task_run.state.name} task run")
    #> The flow run: Completed, Completed task run
    print(f"The flow run ended first: {flow_run.end_time < task_run.end_time}")
    #> The flow run ended first: True
