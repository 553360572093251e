from pathlib import Path

from prefect import flow
from prefect.schedules import RRule

if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="hello_flow.py:hello_flow",
    ).deploy(
        name="quarterly",
        work_pool_name="my-pool",
        ignore_warnings=True,
        schedules=[
            RRule(
                "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO;BYHOUR=6;BYMINUTE=30",
                timezone="Europe/Paris",
            )
        ],
    )
