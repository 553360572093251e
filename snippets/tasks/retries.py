from prefect import flow, task

attempts = 0


@task(retries=2, retry_delay_seconds=1)
def fetch_report() -> str:
    global attempts
    attempts += 1
    if attempts < 3:
        raise ConnectionError(f"attempt {attempts}: the service did not answer")
    return "report"


@flow
def nightly():
    data = fetch_report()
    print(f"Got {data!r} after {attempts} attempts")
    #> Got 'report' after 3 attempts


if __name__ == "__main__":
    nightly()
