git daemon --listen=127.0.0.1 --base-path="$HOME/git" --export-all --verbose
