"""Forward a port inside a network namespace to a port of this machine's loopback.

    python port_bridge.py NETNS_PATH INSIDE_PORT OUTSIDE_PORT

Listens on 127.0.0.1:INSIDE_PORT in the namespace whose file is NETNS_PATH
(/proc/PID/ns/net) and relays each connection to 127.0.0.1:OUTSIDE_PORT outside it:
commands in a private network reach the session's Prefect server on the port a reader
has, 4200. A socket stays in the namespace it was made in, so this process makes the
listening socket in there and every other socket out here. Prints "ready" once
listening; runs until stopped.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys


def listen_inside(netns_path: str, port: int) -> socket.socket:
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(netns_path, os.O_RDONLY)
    try:
        os.setns(target, os.CLONE_NEWNET)
        try:
            listener = socket.create_server(("127.0.0.1", port))
        finally:
            os.setns(home, os.CLONE_NEWNET)
    finally:
        os.close(home)
        os.close(target)
    return listener


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(netns_path: str, inside_port: int, outside_port: int) -> None:
    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            up_reader, up_writer = await asyncio.open_connection(
                "127.0.0.1", outside_port
            )
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    listener = listen_inside(netns_path, inside_port)
    server = await asyncio.start_server(relay, sock=listener)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
