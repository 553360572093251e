import textwrap

from prefect import get_client
from prefect.exceptions import ObjectNotFound

# What each kind of work pool lets a deployment (or a run) set: the variables of the
# pool's base job template.
with get_client(sync_client=True) as client:
    for name in ["gpu", "my-docker-pool", "my-k8s-pool"]:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            print(f"{name}: no such work pool yet; create it first")
            continue
        variables = pool.base_job_template["variables"]["properties"]
        print(f"{name} ({pool.type}):")
        names = ", ".join(sorted(variables))
        print(textwrap.indent(textwrap.fill(names, width=76), "    "))
