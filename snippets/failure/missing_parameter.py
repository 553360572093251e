from prefect import flow
from prefect.exceptions import ParameterBindError


@flow
def greet(name: str, times: int = 1) -> str:
    return " ".join([f"Hello, {name}!"] * times)


if __name__ == "__main__":
    try:
        greet(times=2)  # no name
    except ParameterBindError as error:
        print(error)
        '''
        Error binding parameters for function 'greet': missing a required argument: 'name'.
        Function 'greet' has signature 'name: str, times: int = 1) -> str' but received args: () and kwargs: ['times'].
        '''
