"""The page on the server in several processes: what the journey (harness/journey.py)
does not show by itself. The journey follows the page (the split on the in-memory
broker, the errors of `--workers`, Redis, the split with it); these tests see its
warning about a missing Redis hold (redis_scenario.py, in the background from the start
of the session), and what its counting script says to bad input."""

from __future__ import annotations

import re
import shutil
import sys
from concurrent.futures import Future
from pathlib import Path

from harness import REPO
from harness.prefect_server import free_port
from harness.redis_scenario import WithoutRedis
from harness.terminal import command_env, run_command

COUNT_RECORDS = REPO / "snippets/redis/count_records.py"


def test_without_redis_the_api_never_answers_then_stops(
    without_redis: Future[WithoutRedis],
):
    seen = without_redis.result(timeout=900)
    # The page: "prints its welcome, never answers on port 4200, and stops (exit code
    # 3) with `Application startup failed. Exiting.`, after a traceback that ends in
    # `redis.exceptions.ConnectionError: Error 111 connecting to ..."
    assert "Check out the dashboard at" in seen.api_output, seen.api_output
    assert not seen.answered, seen.api_output
    assert seen.returncode == 3, (seen.returncode, seen.api_output[-3000:])
    assert "Application startup failed. Exiting." in seen.api_output
    assert re.search(
        r"^redis\.exceptions\.ConnectionError: Error 111 connecting to "
        rf"localhost:{seen.redis_port}\.",
        seen.api_output,
        re.MULTILINE,
    ), seen.api_output[-3000:]
    # "The services do not stop: they try again and again, with a warning each time"
    # (they ran as long as the API did)
    attempts = re.findall(
        r"Redis connection error in consumer event-persister-\S+, "
        r"reconnecting in [\d.]+s \(attempt (\d+)\)",
        seen.services_output,
    )
    assert attempts[:2] == ["1", "2"], seen.services_output[-3000:]


def test_the_count_asks_for_a_run_of_burst_first(prefect_server, tmp_path: Path):
    shutil.copy(COUNT_RECORDS, tmp_path)
    env = command_env(home=tmp_path / "home", api_url=prefect_server.api_url)
    counted = run_command([sys.executable, "count_records.py"], cwd=tmp_path, env=env)
    assert counted.returncode == 1, counted.output
    assert counted.output.strip() == (
        "This server has no run of the flow `burst`: run burst.py first."
    )


def test_the_count_says_when_no_server_answers(tmp_path: Path):
    shutil.copy(COUNT_RECORDS, tmp_path)
    nowhere = f"http://127.0.0.1:{free_port()}/api"
    env = command_env(home=tmp_path / "home", api_url=nowhere)
    counted = run_command([sys.executable, "count_records.py"], cwd=tmp_path, env=env)
    assert counted.returncode == 1, counted.output
    assert counted.output.strip() == f"No Prefect server answers at {nowhere}."
