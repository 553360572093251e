from prefect import flow, task
from prefect.task_runners import ProcessPoolTaskRunner


@task
def count_primes(below: int) -> int:
    return sum(
        all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, below)
    )


@flow(task_runner=ProcessPoolTaskRunner(max_workers=2))
def primes():
    counts = count_primes.map([10_000, 20_000]).result()
    print(counts)
    #> [1229, 2262]


if __name__ == "__main__":
    primes()
