from prefect.client.orchestration import get_client

with get_client(sync_client=True) as client:
    deployment = client.read_deployment_by_name("regional-totals/from-variable")
    print(deployment.parameters)
