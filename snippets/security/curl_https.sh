curl -sS -w '\n' --cacert prefect.crt https://localhost:8443/api/health
