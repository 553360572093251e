from prefect import flow, get_run_logger
from prefect.blocks.system import Secret


@flow
def connect_to_warehouse() -> None:
    password = Secret.load("warehouse-password").get()
    # never log the secret itself
    get_run_logger().info("Connecting with a %d-character password", len(password))


if __name__ == "__main__":
    connect_to_warehouse()
