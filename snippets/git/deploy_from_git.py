from prefect import flow

if __name__ == "__main__":
    flow.from_source(
        source="git://127.0.0.1/hello-prefect.git",
        entrypoint="weather.py:weather",
    ).deploy(name="from-git", work_pool_name="my-pool")
