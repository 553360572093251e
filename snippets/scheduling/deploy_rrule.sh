uv run prefect deploy hello_flow.py:hello_flow -n mwf-evenings -p my-pool --rrule "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=18;BYMINUTE=30" --timezone "Europe/Berlin"
