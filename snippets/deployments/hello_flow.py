from prefect import flow


@flow(log_prints=True)
def hello_flow():
    print("Hello, world!")


if __name__ == "__main__":
    hello_flow()
