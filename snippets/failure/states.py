from prefect import flow, task
from prefect.states import Completed, Failed


@task
def count_rows(table: str) -> int:
    if table == "orders":
        raise ValueError(f"table {table!r} is locked")
    return 42


@flow
def daily_report(table: str):
    # return_state=True: the task's final state, whatever it is, instead of its
    # result or its exception
    state = count_rows(table, return_state=True)
    if state.is_failed():
        error = state.result(raise_on_failure=False)  # the exception, not raised
        # returning a state sets the flow run's final state, message included
        return Failed(message=f"no report today: {error}")
    return Completed(message=f"{state.result()} rows in {table!r}")


@flow
def strict_report(table: str) -> int:
    return count_rows(table)  # an exception here fails the flow run


if __name__ == "__main__":
    for table in ("customers", "orders"):
        state = daily_report(table, return_state=True)
        print(f"{table}: {state.name}: {state.message}")
        #> customers: Completed: 42 rows in 'customers'
        #> orders: Failed: no report today: table 'orders' is locked

    state = strict_report("orders", return_state=True)
    print(f"{state.name}, type {state.type.value}")
    #> Failed, type FAILED
    try:
        state.result()  # raises what made it fail
    except ValueError as error:
        print(f"state.result() raised {error!r}")
        #> state.result() raised ValueError("table 'orders' is locked")
