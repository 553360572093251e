import time

from prefect import flow
from prefect.client.schemas.objects import FlowRun
from prefect.flows import Flow
from prefect.states import State


def tell_stopped(flow: Flow, flow_run: FlowRun, state: State) -> None:
    print(f"HOOK {flow_run.name}: {state.name}: {state.message}")


@flow(on_crashed=[tell_stopped], on_cancellation=[tell_stopped])
def slow_export(rows: int = 60) -> None:
    for row in range(1, rows + 1):
        print(f"row {row} of {rows}")
        time.sleep(1)


if __name__ == "__main__":
    slow_export()
