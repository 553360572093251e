from prefect import flow
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)

ORDERS = {"eu": 49, "us": 48}


@flow(flow_run_name="sales-summary-{day}")
def sales_summary(day: str) -> None:
    create_table_artifact(
        key="orders-by-region",
        table=[{"region": r, "orders": n} for r, n in ORDERS.items()],
        description=f"Orders on {day}, by region",
    )
    create_markdown_artifact(
        key="sales-summary",
        markdown=f"# Sales on {day}\n\n**{sum(ORDERS.values())}** orders, "
        f"**{max(ORDERS, key=ORDERS.get)}** ahead.",
        description="The day in one sentence",
    )
    create_link_artifact(
        key="sales-dashboard",
        link="https://dashboards.example.com/sales",
        link_text="The sales dashboard",
    )


if __name__ == "__main__":
    sales_summary("2026-11-30")
