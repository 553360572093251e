"""What Prefect costs, measured: scripts/benchmark.py runs these modules and writes the
figures and plots of the "What Prefect costs" page."""
