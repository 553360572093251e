from prefect import flow, get_run_logger, task
from prefect.flow_runs import suspend_flow_run
from refund import Decision


@task(persist_result=True)
def look_up_order(order: str) -> str:
    get_run_logger().info("Looking up %s", order)
    return "ACME Corp"


@flow(flow_run_name="refund-{order}")
def big_refund(order: str, amount: float) -> str:
    customer = look_up_order(order)
    decision = suspend_flow_run(wait_for_input=Decision, timeout=3600)
    verdict = "refunded" if decision.approved else "refused"
    get_run_logger().info("%s, %s: %s %.2f", customer, order, verdict, amount)
    return verdict


if __name__ == "__main__":
    big_refund.serve(name="by-hand")
