import os

from prefect import flow


@flow(log_prints=True)
def greet(name: str = "world") -> None:
    greeting = os.environ.get("GREETING", "Hello")
    print(f"{greeting}, {name}!")


if __name__ == "__main__":
    greet()
