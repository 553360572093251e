curl -s -w '  (HTTP %{http_code})\n' http://127.0.0.1:4200/api/flows/filter -d '{}'
curl -s -w '  (HTTP %{http_code})\n' http://127.0.0.1:4200/api/health
curl -s -o /dev/null -w '%{content_type}  (HTTP %{http_code})\n' http://127.0.0.1:4200/
curl -s -w '  (HTTP %{http_code})\n' http://127.0.0.1:4200/ui-settings
