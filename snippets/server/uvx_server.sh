uvx prefect server start
