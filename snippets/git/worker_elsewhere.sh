mkdir -p ~/elsewhere
cd ~/elsewhere
uv run --project ~/hello-prefect prefect worker start --pool my-pool
