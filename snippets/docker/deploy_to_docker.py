from where_am_i import where_am_i

if __name__ == "__main__":
    where_am_i.deploy(
        name="in-a-container",
        work_pool_name="my-docker-pool",
        image="where-am-i:v1",  # the image docker build made
        build=False,  # it is built already
        push=False,  # no registry: the worker runs on this machine
        job_variables={
            "image_pull_policy": "Never",  # the image is on this machine only
            "env": {"GREETING": "Hello from the deployment"},
            "mem_limit": "256m",
        },
    )
