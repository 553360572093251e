curl -s -w '  (HTTP %{http_code})\n' -X OPTIONS http://127.0.0.1:4200/api/flows/filter \
  -H 'Origin: https://any-website.example' \
  -H 'Access-Control-Request-Method: POST' \
  -H 'Access-Control-Request-Headers: prefect-csrf-token, prefect-csrf-client'
