from prefect import task


@task(log_prints=True)
def add(a: int, b: int) -> int:
    print(f"Adding {a} and {b}")
    return a + b


if __name__ == "__main__":
    print(add(1, 2))
    #> 3
