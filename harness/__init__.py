"""The machinery the tests and the scripts share: real Prefect servers, workers and
commands run as a reader runs them, their recorded outputs, and the processes they
start, all stopped by PID."""
