from prefect import flow, task


@task
def check_stock(item: str) -> int:
    raise LookupError(f"no such item: {item}")


@flow
def forgetful():
    check_stock.submit("towel")  # the future is never waited on


@flow
def careful():
    future = check_stock.submit("towel")
    future.wait()
    return future  # the flow's state follows the task's


if __name__ == "__main__":
    print(forgetful(return_state=True))
    #> Completed()
    print(careful(return_state=True))
    #> Failed('1/1 states failed.')
