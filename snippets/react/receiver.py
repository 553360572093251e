"""A webhook receiver: prints each JSON body POSTed to http://127.0.0.1:8765."""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

ADDRESS = ("127.0.0.1", 8765)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print(f"{self.command} {self.path} from {self.headers['User-Agent']}")
        print(json.dumps(json.loads(body), indent=2), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the lines above say it all


try:
    server = HTTPServer(ADDRESS, Receiver)
except OSError as error:
    sys.exit(f"Cannot listen on {ADDRESS[0]}:{ADDRESS[1]}: {error.strerror}")
print(f"Listening on http://{ADDRESS[0]}:{ADDRESS[1]}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    print("Stopped")
