curl -s -w '  (HTTP %{http_code})\n' -u admin:not-the-password http://127.0.0.1:4200/api/flows/filter -d '{}'
