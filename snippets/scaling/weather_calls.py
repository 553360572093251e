import time

from prefect import flow
from prefect.concurrency.sync import rate_limit


@flow
def call_weather_api() -> None:
    start = time.monotonic()
    for call in range(1, 6):
        rate_limit("weather")  # one slot, never given back: it decays
        print(f"call {call} at {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    call_weather_api()
