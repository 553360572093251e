from prefect import flow
from prefect.events import emit_event


@flow(log_prints=True)
def publish_report(day: str) -> None:
    print(f"Sales report for {day} written")
    event = emit_event(
        event="report.published",
        resource={"prefect.resource.id": f"report.sales.{day}"},
        payload={"rows": 42},
    )
    print(f"Emitted {event.event} for {event.resource.id}")


if __name__ == "__main__":
    publish_report("2026-11-30")
