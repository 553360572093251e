uv run prefect config set PREFECT_SERVER_ANALYTICS_ENABLED=false
export DO_NOT_TRACK=1
echo 'export DO_NOT_TRACK=1' >> ~/.bashrc
