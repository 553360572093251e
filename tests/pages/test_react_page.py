"""The claims of the page on hooks, automations and events that no output shows,
checked on the session's server: what a hook that raises changes, which signals run
`on_crashed`, what the server does when a notification cannot be delivered, that an
event nobody expects starts nothing, and that a stopped deployment's trigger still
makes runs."""

from __future__ import annotations

import shutil
import signal
import socket
import sys
import uuid
from pathlib import Path

import pytest
from prefect import flow
from prefect.automations import Automation, EventTrigger, SendNotification
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.events import DeploymentEventTrigger, emit_event
from prefect.events.filters import EventAnyResourceFilter, EventFilter, EventNameFilter

from harness import REPO
from harness import prefect_api as api
from harness.terminal import Background, command_env
from harness.waiting import wait_until

SNIPPETS = REPO / "snippets/react"


def failing_hook(flow, flow_run, state) -> None:
    raise RuntimeError("the hook broke")


@flow(name="react-page-broken-hook", on_completion=[failing_hook])
def broken_hook() -> int:
    return 7


def test_a_hook_that_raises_is_logged_and_changes_nothing(prefect_server) -> None:
    state = broken_hook(return_state=True)
    assert state.is_completed() and state.result() == 7
    run = api.wait_for_final_state(state.state_details.flow_run_id)
    assert run.state.name == "Completed"
    # the line the server stores starts with the message; the traceback follows
    line = "An error was encountered while running hook 'failing_hook'"
    wait_until(
        lambda: any(message.startswith(line) for message in api.log_messages(run.id)),
        timeout=30,
        what=f"the log line {line!r}",
    )


def slow_export(prefect_server, tmp_path: Path) -> Background:
    shutil.copy(SNIPPETS / "slow_export.py", tmp_path)
    export = Background(
        [sys.executable, "slow_export.py"],
        cwd=tmp_path,
        env=command_env(home=prefect_server.home, api_url=prefect_server.api_url),
        log=tmp_path / "export.log",
        stop_signals=(signal.SIGKILL,),
    )
    export.wait_for(r"^row 2 of 60$")
    return export


def test_sigterm_crashes_the_run_and_runs_on_crashed(prefect_server, tmp_path) -> None:
    with slow_export(prefect_server, tmp_path) as export:
        export.process.send_signal(signal.SIGTERM)
        export.process.wait(timeout=60)
        assert (
            "Running hook 'tell_stopped' in response to entering state 'Crashed'"
            in (export.output)
        ), export.output
        assert "HOOK " in export.output


def test_a_killed_process_runs_no_hook(prefect_server, tmp_path) -> None:
    with slow_export(prefect_server, tmp_path) as export:
        export.process.send_signal(signal.SIGKILL)
        export.process.wait(timeout=60)
        assert "hook" not in export.output.lower(), export.output
    # and nothing told the server: the run is still Running
    (run,) = runs_of("slow-export", running=True)
    assert run.state.name == "Running"


def runs_of(flow_name: str, running: bool = False) -> list:
    with api.client() as server:
        runs = server.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name]))
        )
    return [run for run in runs if run.state.is_running() or not running]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@flow(name="react-page-undelivered")
def fails() -> None:
    raise ValueError("nobody will hear of this")


def test_an_undelivered_notification_is_tried_four_times_then_dropped(
    prefect_server,
) -> None:
    nobody = CustomWebhookNotificationBlock(
        name="nobody",
        url=f"http://127.0.0.1:{free_port()}/notify",  # nothing listens there
        json_data={"body": "{{body}}"},
    )
    block_id = nobody.save("react-page-nobody", overwrite=True)
    automation = Automation(
        name="react-page-undelivered",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed"},
            match_related={
                "prefect.resource.role": "flow",
                "prefect.resource.name": "react-page-undelivered",
            },
            posture="Reactive",
            threshold=1,
        ),
        actions=[SendNotification(block_document_id=block_id, body="failed")],
    ).create()
    dead_letters = prefect_server.home / "dlq"
    try:
        assert fails(return_state=True).is_failed()

        def dropped() -> list[str]:
            return [
                message
                for message in (letter.read_text() for letter in dead_letters.glob("*"))
                if str(block_id) in message
            ]

        # The delivery raised, was tried again at once, and then written off: the
        # action's message is a file in the server's dead letter folder...
        (letter,) = wait_until(dropped, timeout=60, what="the dropped notification")
        assert "react-page-undelivered" in letter
        log = prefect_server.log_path.read_text()
        assert "Message failed after 4 retries and will be moved to the dead" in log
        assert "httpx.ConnectError: All connection attempts failed" in log
        # ...and no event says what became of the action.
        with api.client() as server:
            outcomes = server.read_events(
                filter=EventFilter(
                    event=EventNameFilter(
                        name=[
                            "prefect.automation.action.executed",
                            "prefect.automation.action.failed",
                        ]
                    ),
                    any_resource=EventAnyResourceFilter(
                        id=[f"prefect.automation.{automation.id}"]
                    ),
                ),
                limit=50,  # the client's default, 100, is over the server's limit
            ).events
        assert outcomes == []
    finally:
        automation.delete()


@flow(name="react-page-archive")
def archive(report: str) -> None:
    print(report)


@pytest.fixture
def triggered_deployment(prefect_server):
    """A deployment with a trigger, as `serve` leaves it when it stops: paused."""
    event = f"react-page.{uuid.uuid4().hex[:8]}.published"
    deployment_id = archive.to_deployment(
        "on-publish",
        triggers=[
            DeploymentEventTrigger(
                expect={event}, parameters={"report": "{{ event.resource.id }}"}
            )
        ],
        paused=True,
    ).apply()
    # the trigger's automation, which the server makes with the deployment
    wait_until(
        lambda: [
            automation
            for automation in automations()
            if getattr(automation.actions[0], "deployment_id", None) == deployment_id
        ],
        timeout=30,
        what="the deployment's trigger",
    )
    return event


def automations() -> list:
    with api.client() as server:
        return server.read_automations()


def test_a_misspelt_event_starts_nothing_and_a_paused_deployment_still_gets_runs(
    triggered_deployment: str,
) -> None:
    misspelt = triggered_deployment.replace("published", "publsihed")
    emit_event(misspelt, resource={"prefect.resource.id": "report.misspelt"})
    emit_event(triggered_deployment, resource={"prefect.resource.id": "report.right"})
    # The events go out in order: by the time the right one has made its run, the
    # misspelt one has been through the triggers too.
    (run,) = wait_until(
        lambda: runs_of("react-page-archive"),
        timeout=60,
        what="a run made by the trigger",
    )
    assert run.parameters == {"report": "report.right"}
    # The deployment is paused, and the run waits for someone to serve it.
    assert run.state.name == "Scheduled"
    assert api.deployment("react-page-archive/on-publish").paused
