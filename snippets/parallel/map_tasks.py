from prefect import flow, task


@task
def square(x: int) -> int:
    return x * x


@task
def total(numbers: list[int]) -> int:
    return sum(numbers)


@flow
def sum_of_squares(numbers: list[int]) -> int:
    squares = square.map(numbers)
    print(squares.result())
    #> [1, 4, 9, 16]
    return total(squares)


if __name__ == "__main__":
    print(sum_of_squares([1, 2, 3, 4]))
    #> 30
