from prefect import flow, task

failures = {2: 1}  # page 2 fails once, the way a flaky service does


@task(retries=1)
def fetch_page(number: int) -> int:
    if failures.get(number):
        failures[number] -= 1
        raise ConnectionError(f"page {number}: connection reset")
    return 1000 * number  # the page's size, in bytes


@flow(name="fetch-pages", log_prints=True)
def fetch_pages() -> int:
    total = sum(fetch_page(number) for number in (1, 2, 3))
    print(f"3 pages, {total} bytes")
    return total


if __name__ == "__main__":
    fetch_pages()
