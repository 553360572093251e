import asyncio
import time

from prefect import flow, task


@task
async def fetch(source: str) -> str:
    await asyncio.sleep(0.5)  # waiting for a network answer, say
    return f"data from {source}"


@flow
async def gather_all():
    start = time.perf_counter()
    results = await asyncio.gather(fetch("api"), fetch("database"), fetch("cache"))
    elapsed = time.perf_counter() - start
    print(results)
    #> ['data from api', 'data from database', 'data from cache']
    print(f"Less than the 1.5 s of three waits in a row: {elapsed < 1.5}")
    #> Less than the 1.5 s of three waits in a row: True


if __name__ == "__main__":
    asyncio.run(gather_all())
