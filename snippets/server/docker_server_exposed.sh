docker run -d -p 4200:4200 prefecthq/prefect:3.9.1-python3.13 -- prefect server start --host 0.0.0.0
