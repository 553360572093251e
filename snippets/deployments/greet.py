from prefect import flow


@flow(log_prints=True)
def greet(name: str = "world", times: int = 1) -> str:
    message = " ".join([f"Hello, {name}!"] * times)
    print(message)
    return message


if __name__ == "__main__":
    greet()
