nginx -p "$PWD" -c nginx.conf -e stderr -g 'daemon off;'
