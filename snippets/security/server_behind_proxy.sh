PREFECT_UI_API_URL=https://localhost:8443/api uv run prefect server start
