import os

from prefect import flow
from prefect.deployments import run_deployment


@flow(log_prints=True, persist_result=True)
def train_model(epochs: int) -> float:
    """The step that needs the GPU machine: deployed to the `gpu` work pool."""
    device = os.environ.get("CUDA_VISIBLE_DEVICES", "none")
    print(f"Training for {epochs} epochs on GPU {device}")
    return round(0.9**epochs, 3)  # the loss


@flow(log_prints=True)
def pipeline(epochs: int = 3) -> float:
    """Runs anywhere; sends the training step to the gpu pool and waits for it."""
    print("Preparing the data here")
    run = run_deployment(
        "train-model/on-gpu",
        parameters={"epochs": epochs},
        timeout=300,  # seconds to wait for the run to end; 0 returns at once
    )
    if not run.state.is_completed():
        raise RuntimeError(f"Training ended {run.state.name}: {run.state.message}")
    loss = run.state.result()  # read from where train_model persisted it
    print(f"Loss after {epochs} epochs: {loss}")
    return loss


if __name__ == "__main__":
    pipeline()
