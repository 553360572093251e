from prefect import flow, serve
from prefect.events import DeploymentEventTrigger
from slow_export import slow_export


@flow(log_prints=True)
def archive_report(report: str) -> None:
    print(f"Archiving {report}")


if __name__ == "__main__":
    serve(
        slow_export.to_deployment("manual"),
        archive_report.to_deployment(
            "on-publish",
            triggers=[
                DeploymentEventTrigger(
                    expect={"report.published"},
                    parameters={"report": "{{ event.resource.id }}"},
                )
            ],
        ),
    )
