uv run python -c 'from prefect.blocks.system import Secret; Secret.load("warehouse-pasword")'
