import prefect

print(f"Prefect: {prefect.__version__}")
