from datetime import timedelta

from prefect.automations import Automation
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification

# After a flow run's heartbeat, expect another heartbeat or the run's end within
# 90 seconds: three heartbeats at PREFECT_FLOWS_HEARTBEAT_FREQUENCY=30. When none
# comes, the run's process is gone: mark the run Crashed.
automation = Automation(
    name="crash-zombie-flow-runs",
    trigger=EventTrigger(
        match=ResourceSpecification({"prefect.resource.id": "prefect.flow-run.*"}),
        after={"prefect.flow-run.heartbeat"},
        expect={
            "prefect.flow-run.heartbeat",
            "prefect.flow-run.Completed",
            "prefect.flow-run.Failed",
            "prefect.flow-run.Cancelled",
            "prefect.flow-run.Crashed",
        },
        for_each={"prefect.resource.id"},
        posture=Posture.Proactive,
        threshold=1,
        within=timedelta(seconds=90),
    ),
    actions=[
        ChangeFlowRunState(
            state=StateType.CRASHED,
            message="No heartbeat for 90 seconds: the run's process is gone.",
        )
    ],
)

if __name__ == "__main__":
    created = automation.create()
    print(f"Created automation {created.name!r}")
