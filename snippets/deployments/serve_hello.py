from prefect import flow


@flow(log_prints=True)
def hello_flow():
    print("Hello, world!")


if __name__ == "__main__":
    # Registers the deployment "hello-flow/hello-served", then runs its flow runs in
    # this process, until you stop it with Ctrl-C.
    hello_flow.serve(name="hello-served")
