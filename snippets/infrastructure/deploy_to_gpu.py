from pathlib import Path

from prefect import flow

if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="gpu_pipeline.py:train_model",
    ).deploy(
        name="on-gpu",
        work_pool_name="gpu",
        # Job variables fill the pool's job template for this deployment's runs:
        # for a process pool, `env` sets environment variables of the run.
        job_variables={"env": {"CUDA_VISIBLE_DEVICES": "0"}},
        ignore_warnings=True,  # the advice to use .serve() for local work
    )
