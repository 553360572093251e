import logging

from prefect import flow

log = logging.getLogger("warehouse")  # a library's logger: it knows no Prefect


def load(table: str) -> None:
    log.info("Loading %s", table)
    log.warning("%s is twice as big as yesterday", table)


@flow
def refresh_warehouse() -> None:
    load("orders")


if __name__ == "__main__":
    refresh_warehouse()
