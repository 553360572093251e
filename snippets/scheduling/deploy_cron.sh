uv run prefect deploy hello_flow.py:hello_flow -n weekday-mornings -p my-pool --cron "0 9 * * 1-5" --timezone "Europe/Berlin"
