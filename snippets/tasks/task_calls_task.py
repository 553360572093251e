from prefect import flow, task


@task
def double(x: int) -> int:
    return 2 * x


@task
def quadruple(x: int) -> int:
    return double(double(x))


@flow
def arithmetic():
    print(quadruple(5))
    #> 20


if __name__ == "__main__":
    arithmetic()
