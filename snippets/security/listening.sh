ss -ltn 'sport = :4200'
