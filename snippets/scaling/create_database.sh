psql -h 127.0.0.1 -U postgres -f create_database.sql
