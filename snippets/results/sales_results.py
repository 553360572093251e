from prefect import flow, task


@task(
    persist_result=True,
    result_storage_key="sales-{parameters[day]}.json",
    result_serializer="json",
)
def daily_sales(day: str) -> dict:
    print(f"Counting the sales of {day}")
    return {"day": day, "orders": 97, "revenue": 4821.5}


@flow
def sales(day: str) -> dict:
    return daily_sales(day)


if __name__ == "__main__":
    print(sales("2026-11-30"))
