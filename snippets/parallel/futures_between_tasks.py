from prefect import flow, task


@task
def fetch_order(order_id: int) -> dict:
    return {"id": order_id, "amount": 20 * order_id}


@task
def add_tax(order: dict) -> float:
    return order["amount"] * 1.2


@flow
def invoice():
    order = fetch_order.submit(3)  # a future, not the order yet
    with_tax = add_tax.submit(order)  # waits for fetch_order, gets its result
    print(with_tax.result())
    #> 72.0


if __name__ == "__main__":
    invoice()
