from pathlib import Path

from prefect import flow


@flow(log_prints=True)
def weather(city: str = "Lisbon"):
    print(f"The forecast for {city}: rain")
    print(f"This code runs from {Path(__file__).parent}")
