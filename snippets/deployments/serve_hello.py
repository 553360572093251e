import os

from prefect import flow


@flow(log_prints=True)
def hello_flow():
    print(f"Hello, world! (process {os.getpid()}, started by process {os.getppid()})")


if __name__ == "__main__":
    print(f"Serving from process {os.getpid()}")
    # Registers the deployment "hello-flow/hello-served", then asks the server for
    # its runs and starts each one in a new process, until you stop it with Ctrl-C.
    hello_flow.serve(name="hello-served")
