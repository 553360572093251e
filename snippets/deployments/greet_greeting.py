from prefect import flow


@flow(log_prints=True)
def greet(name: str = "world", times: int = 1, greeting: str = "Hello") -> str:
    message = " ".join([f"{greeting}, {name}!"] * times)
    print(message)
    return message


if __name__ == "__main__":
    greet()
