curl -sS -m 5 http://192.0.2.10:4200/api/health
