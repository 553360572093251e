from prefect import flow
from prefect.client.schemas.objects import FlowRun
from prefect.flows import Flow
from prefect.states import State


def tell_done(flow: Flow, flow_run: FlowRun, state: State) -> None:
    print(f"HOOK {flow_run.name}: {state.name}, returned {state.result()}")


def tell_failure(flow: Flow, flow_run: FlowRun, state: State) -> None:
    print(f"HOOK {flow_run.name}: {state.name}: {state.message}")


@flow(
    flow_run_name="orders-{day}",
    on_completion=[tell_done],
    on_failure=[tell_failure],
)
def daily_orders(day: str) -> int:
    if day.endswith("-02-30"):
        raise ValueError(f"there is no {day}")
    return 42


if __name__ == "__main__":
    daily_orders("2026-11-30")
    daily_orders("2026-02-30", return_state=True)
