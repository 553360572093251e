"""Relay TCP connections between a network namespace and this machine's loopback.

    python -m harness.port_bridge out NETNS_PATH INSIDE_PORT OUTSIDE_PORT
    python -m harness.port_bridge in NETNS_PATH INSIDE_PORT

`out`: listen on 127.0.0.1:INSIDE_PORT in the namespace whose file is NETNS_PATH
(/proc/PID/ns/net) and relay each connection to 127.0.0.1:OUTSIDE_PORT out here, so
that commands in a private network reach the session's Prefect server on the port a
reader has, 4200. `in`: listen on a free port of 127.0.0.1 out here and relay each
connection to 127.0.0.1:INSIDE_PORT in the namespace, so that the tests can ask a
server running in there.

A socket belongs to the namespace it was made in: this process makes the sockets that
belong in there while it has entered the namespace, and every other socket out here.
It prints "ready PORT" (the port it listens on) once listening; it runs until stopped.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Callable
from contextlib import contextmanager


@contextmanager
def entered(netns_path: str):
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(netns_path, os.O_RDONLY)
    try:
        os.setns(target, os.CLONE_NEWNET)
        try:
            yield
        finally:
            os.setns(home, os.CLONE_NEWNET)
    finally:
        os.close(home)
        os.close(target)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(listener: socket.socket, connect: Callable[[], socket.socket]) -> None:
    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            upstream = connect()
            up_reader, up_writer = await asyncio.open_connection(sock=upstream)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(relay, sock=listener)
    print(f"ready {listener.getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str]) -> None:
    if len(argv) == 4 and argv[0] == "out":
        netns_path, inside, outside = argv[1], int(argv[2]), int(argv[3])
        with entered(netns_path):
            listener = socket.create_server(("127.0.0.1", inside))

        def connect() -> socket.socket:
            return socket.create_connection(("127.0.0.1", outside))

    elif len(argv) == 3 and argv[0] == "in":
        netns_path, inside = argv[1], int(argv[2])
        listener = socket.create_server(("127.0.0.1", 0))

        def connect() -> socket.socket:
            with entered(netns_path):
                return socket.create_connection(("127.0.0.1", inside))

    else:
        sys.exit(__doc__)
    asyncio.run(serve(listener, connect))


if __name__ == "__main__":
    main(sys.argv[1:])
