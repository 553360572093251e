"""The results page's claims that no output shows, checked on the session's
server: a storage key is a cache key, artifacts keep every version of a key, a bad
key is refused before anything is sent, and the logging setting that keeps lines
off the server."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowFilter,
    FlowFilterName,
)

from harness import prefect_api as api
from harness.terminal import command_env, run_command

FIXED_KEY = f"results-page-{uuid.uuid4().hex[:8]}.json"


@task(persist_result=True, result_storage_key=FIXED_KEY)
def price(item: str) -> str:
    return f"the price of {item}"


@flow
def two_prices() -> list[str]:
    return [price("tea"), price("coffee")]


def test_the_same_storage_key_gives_the_same_value_whatever_the_inputs(
    prefect_server,
) -> None:
    # A key that does not name the input: the second call reads the first's value.
    assert two_prices() == ["the price of tea", "the price of tea"]


@flow
def publish(key: str, text: str) -> None:
    create_markdown_artifact(key=key, markdown=text)


def test_an_artifact_key_keeps_every_version(prefect_server) -> None:
    key = f"results-page-{uuid.uuid4().hex[:8]}"
    publish(key, "today")
    publish(key, "tomorrow")
    with api.client() as server:
        versions = server.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
        latest = server.read_latest_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert sorted(version.data for version in versions) == ["today", "tomorrow"]
    assert [artifact.data for artifact in latest] == ["tomorrow"]


def test_a_bad_artifact_key_is_refused_before_anything_is_sent(tmp_path) -> None:
    # no server at all: the refusal comes from the client
    with pytest.raises(
        ValueError,
        match="Artifact key must only contain lowercase letters, numbers, and dashes",
    ):
        create_markdown_artifact(key="Sales_Summary", markdown="x")


QUIET_FLOW = """\
import logging

from prefect import flow, get_run_logger


@flow(name="{name}")
def quiet() -> None:
    get_run_logger().info("a line of the run")
    logging.getLogger("warehouse").warning("a line of a library")


quiet()
"""


def test_logging_to_the_api_turned_off_keeps_every_line_off_the_server(
    prefect_server, tmp_path: Path
) -> None:
    name = f"results-page-{uuid.uuid4().hex[:8]}"
    (tmp_path / "quiet.py").write_text(QUIET_FLOW.format(name=name))
    env = command_env(home=prefect_server.home, api_url=prefect_server.api_url)
    env |= {
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_LOGGING_EXTRA_LOGGERS": "warehouse",
    }
    done = run_command([sys.executable, "quiet.py"], cwd=tmp_path, env=env)
    assert done.returncode == 0, done.output
    # the terminal has the lines...
    assert "a line of the run" in done.output
    assert "warehouse - a line of a library" in done.output
    # ...and the server, once the process has ended (and sent all it would), none
    with api.client() as server:
        (run,) = server.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[name]))
        )
    assert run.state.is_completed()
    assert api.log_messages(run.id) == []
