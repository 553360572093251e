ss -ltn '( sport = :4200 or sport = :8443 )'
