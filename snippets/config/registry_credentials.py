from prefect_docker import DockerRegistryCredentials

DockerRegistryCredentials(
    username="robot",
    password="not-a-real-token",
    registry_url="registry.example.com",
).save("company-registry")

print(DockerRegistryCredentials.load("company-registry"))
