from prefect import flow


@flow
def greet(name: str, times: int = 1) -> str:
    return " ".join([f"Hello, {name}!"] * times)


if __name__ == "__main__":
    print(greet("Marvin", times=2))
    #> Hello, Marvin! Hello, Marvin!
    print(greet("Arthur", times="3"))  # "3" reads as an int: Prefect converts it
    #> Hello, Arthur! Hello, Arthur! Hello, Arthur!
