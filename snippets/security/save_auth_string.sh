read -rsp "Auth string (user:password): " auth_string && echo
(umask 077 && printf '%s\n' "$auth_string" > ~/.prefect/auth-string)
unset auth_string
stat -c '%A %n' ~/.prefect/auth-string
