uv init --python 3.13 --no-package hello-prefect
cd hello-prefect
uv add "prefect>=3.9.1,<3.10"
