from gpu_pipeline import train_model

if __name__ == "__main__":
    train_model.deploy(
        name="in-docker",
        work_pool_name="my-docker-pool",
        # The image must hold the flow's code: here an image you built and pushed
        # yourself, so nothing is built or pushed now.
        image="registry.example.com/ml/train:2026-11",
        build=False,
        push=False,
        job_variables={"mem_limit": "4g", "env": {"CUDA_VISIBLE_DEVICES": "0"}},
    )
