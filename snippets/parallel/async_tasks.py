import asyncio

from prefect import flow, task


@task
async def fetch(source: str) -> str:
    await asyncio.sleep(0.5)  # waiting for a network answer, say
    return f"data from {source}"


@flow
async def gather_all():
    results = await asyncio.gather(fetch("api"), fetch("database"), fetch("cache"))
    print(results)
    #> ['data from api', 'data from database', 'data from cache']


if __name__ == "__main__":
    asyncio.run(gather_all())
