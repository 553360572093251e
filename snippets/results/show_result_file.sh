cat ~/.prefect/storage/sales-2026-11-30.json
