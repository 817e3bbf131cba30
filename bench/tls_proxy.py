"""A TLS front for the emulator, so the SDK's HTTPS transports can be measured on loopback.

``python -m bench.tls_proxy CERT KEY TARGET_PORT`` listens on a free loopback port with the
given certificate, prints ``tls proxy listening on https://127.0.0.1:PORT`` and relays every
connection, byte for byte, to ``127.0.0.1:TARGET_PORT``. One upstream connection per client
connection, so the emulator's connection count still says how many the client opened.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl

CHUNK_BYTES = 65536


async def _relay(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(CHUNK_BYTES):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, ssl.SSLError):
        pass  # either side went away; closing the other is all that is left
    finally:
        sink.close()


async def serve(cert: str, key: str, target_port: int) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(_relay(reader, upstream_writer), _relay(upstream_reader, writer))

    server = await asyncio.start_server(connected, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    print(f"tls proxy listening on https://127.0.0.1:{port}", flush=True)
    await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cert")
    parser.add_argument("key")
    parser.add_argument("target_port", type=int)
    args = parser.parse_args()
    asyncio.run(serve(args.cert, args.key, args.target_port))


if __name__ == "__main__":
    main()
