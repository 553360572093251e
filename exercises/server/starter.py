# The exercise of "The Prefect server and its UI": print the 3 flow runs that your
# server saw start last, newest first, one line each: "<run name>: <state name>".
# Then check it: uv run python check_server.py
from prefect.client.orchestration import get_client

with get_client(sync_client=True) as client:
    runs = client.read_flow_runs(limit=3)
