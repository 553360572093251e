from prefect import flow, get_client
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.states import Cancelled, Pending


@flow
def nightly_export() -> None:
    print("exporting")


def start_three_runs(deployment_id) -> list[str]:
    with get_client(sync_client=True) as client:
        runs = [client.create_flow_run_from_deployment(deployment_id) for _ in range(3)]
        # A worker asks the server to move a run to Pending before it starts
        # anything for it; the server's answer is where the limit holds.
        answers = [client.set_flow_run_state(run.id, Pending()) for run in runs]
        # End the three runs: this gives the slot back.
        for run in runs:
            client.set_flow_run_state(run.id, Cancelled())
    return [answer.state.name for answer in answers]


if __name__ == "__main__":
    for strategy in ["ENQUEUE", "CANCEL_NEW"]:
        deployment_id = nightly_export.to_deployment(
            name=f"one-at-a-time-{strategy.lower()}",
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=strategy
            ),
        ).apply()
        print(f"{strategy}: {', '.join(start_three_runs(deployment_id))}")
        #> ENQUEUE: Pending, AwaitingConcurrencySlot, AwaitingConcurrencySlot
        #> CANCEL_NEW: Pending, Cancelled, Cancelled
