curl -s http://127.0.0.1:4300/ui-settings
