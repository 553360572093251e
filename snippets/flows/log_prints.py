from prefect import flow


@flow(log_prints=True)
def hello_logged(name: str = "world"):
    print(f"Hello, {name}!")


if __name__ == "__main__":
    hello_logged()
