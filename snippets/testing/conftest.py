import pytest
from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(autouse=True, scope="session")
def prefect_server():
    # One temporary Prefect server, with its own empty database, for the whole
    # test session; it stops when the session ends. It may take longer than the
    # default 30 s to start on a busy CI machine.
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(autouse=True)
def empty_cache(tmp_path):
    # Cached results are files (by default in ~/.prefect/storage), not rows in the
    # harness's database: each test gets an empty folder for them, so that it finds
    # nothing that another test, or a real run, stored.
    with temporary_settings({PREFECT_LOCAL_STORAGE_PATH: tmp_path / "results"}):
        yield
