from prefect import flow, get_run_logger
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput


class Decision(RunInput):
    approved: bool
    note: str = ""


@flow(flow_run_name="refund-{order}")
def refund(order: str, amount: float, patience: int = 600) -> str:
    logger = get_run_logger()
    logger.info("A refund of %.2f for %s needs a yes or a no", amount, order)
    decision = pause_flow_run(wait_for_input=Decision, timeout=patience)
    verdict = "refunded" if decision.approved else "refused"
    logger.info("%s: %s %.2f (%s)", order, verdict, amount, decision.note)
    return verdict


if __name__ == "__main__":
    refund("A-1001", 249.0)
