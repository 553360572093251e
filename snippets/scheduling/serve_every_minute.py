from prefect import flow


@flow(log_prints=True)
def hello_flow():
    print("Hello, world!")


if __name__ == "__main__":
    # A deployment "hello-flow/every-minute" with a 60-second schedule; this process
    # runs its flow runs until you stop it with Ctrl-C.
    hello_flow.serve(name="every-minute", interval=60)
