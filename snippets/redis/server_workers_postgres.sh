PREFECT_SERVER_DATABASE_CONNECTION_URL="postgresql+asyncpg://prefect:choose-a-password@127.0.0.1:5432/prefect" uv run prefect server start --workers 2
