from prefect import flow
from prefect.runtime import flow_run


@flow(name="nightly-report", flow_run_name="report-for-{day}")
def report(day: str) -> None:
    print(f"This run is called {flow_run.name!r}")
    #> This run is called 'report-for-2026-11-25'


if __name__ == "__main__":
    report(day="2026-11-25")
