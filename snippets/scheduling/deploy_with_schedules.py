from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.schedules import Cron, Interval, RRule

if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="hello_flow.py:hello_flow",
    ).deploy(
        name="from-python",
        work_pool_name="my-pool",
        schedules=[
            # 07:30 in Berlin on weekdays, summer time or not
            Cron("30 7 * * 1-5", timezone="Europe/Berlin"),
            # every 90 minutes, counted from midnight on 1 January in Berlin: the
            # anchor says its time zone (a naive datetime would be read as UTC)
            Interval(
                timedelta(minutes=90),
                anchor_date=datetime(2026, 1, 1, tzinfo=ZoneInfo("Europe/Berlin")),
                timezone="Europe/Berlin",
            ),
            # the first Monday of each month at noon
            RRule(
                "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=12;BYMINUTE=0",
                timezone="Europe/Berlin",
            ),
        ],
    )
