import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(autouse=True, scope="session")
def prefect_server():
    # One temporary Prefect server, with its own empty database, for the whole
    # test session; it stops when the session ends. It may take longer than the
    # default 30 s to start on a busy CI machine.
    with prefect_test_harness(server_startup_timeout=120):
        yield
