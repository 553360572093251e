from prefect import flow


@flow
def hello_flow():
    print("Hello, world!")
    #> Hello, world!


if __name__ == "__main__":
    hello_flow()
