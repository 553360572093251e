import pytest
from prefect.settings import (
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    PREFECT_LOCAL_STORAGE_PATH,
    temporary_settings,
)
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(autouse=True, scope="session")
def prefect_server():
    # One temporary Prefect server, with its own empty database, for the whole
    # test session; it stops when the session ends. It may take longer than the
    # default 30 s to start on a busy CI machine.
    # No flow-run heartbeats either: a test does not need them, and each flow run
    # would wait up to a second at its end for their thread to stop.
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache(tmp_path):
    # Cached results are files (by default in ~/.prefect/storage), not rows in the
    # harness's database: each test gets an empty folder for them, so that it finds
    # nothing that another test, or a real run, stored.
    with temporary_settings({PREFECT_LOCAL_STORAGE_PATH: tmp_path / "results"}):
        yield
