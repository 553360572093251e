from contextlib import suppress

from prefect.automations import Automation, EventTrigger, SendNotification
from prefect.blocks.notifications import CustomWebhookNotificationBlock

NAME = "tell-me-about-failures"

# Where notifications go: the receiver in Terminal 3.
webhook = CustomWebhookNotificationBlock(
    name="receiver",
    url="http://127.0.0.1:8765/notify",
    json_data={"subject": "{{subject}}", "body": "{{body}}"},
)
block_id = webhook.save("receiver", overwrite=True)

# One automation by this name: replace the one an earlier run made, if any.
with suppress(ValueError):
    Automation.read(name=NAME).delete()

automation = Automation(
    name=NAME,
    trigger=EventTrigger(
        expect={"prefect.flow-run.Failed"},
        match={"prefect.resource.id": "prefect.flow-run.*"},
        posture="Reactive",
        threshold=1,
    ),
    actions=[
        SendNotification(
            block_document_id=block_id,
            subject="{{ flow.name }} failed",
            body="Run {{ flow_run.name }}: {{ flow_run.state.message }}",
        )
    ],
).create()
print(f"Automation {automation.name!r}: {automation.trigger.expect} -> receiver")
