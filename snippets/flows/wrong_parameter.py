from prefect import flow
from prefect.exceptions import ParameterTypeError


@flow
def greet(name: str, times: int = 1) -> str:
    message = " ".join([f"Hello, {name}!"] * times)
    print(message)
    return message


if __name__ == "__main__":
    try:
        greet("Marvin", times="twice")
    except ParameterTypeError as error:
        print(f"{type(error).__name__}: {error}")
        '''
        ParameterTypeError: Flow run received invalid parameters:
         - times: Input should be a valid integer, unable to parse string as an integer
        '''
