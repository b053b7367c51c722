"""An SMTP server on 127.0.0.1 that accepts every mail and drops it: the
mails of `make loadtest` (reminders, campaigns) are sent somewhere, without
a mail catcher that would keep 100,000 of them. Counts what it received.

Usage: python3 benchmarks/smtp_sink.py PORT
"""

import asyncio
import sys

RECEIVED = {"mails": 0}


async def session(reader, writer):
    def send(line):
        writer.write(line.encode() + b"\r\n")

    send("220 loadtest sink")
    in_data = False
    while line := await reader.readline():
        if in_data:
            if line in (b".\r\n", b".\n"):
                in_data = False
                RECEIVED["mails"] += 1
                send("250 dropped")
            continue
        verb = line[:4].upper()
        if verb == b"DATA":
            in_data = True
            send("354 go on")
        elif verb == b"QUIT":
            send("221 bye")
            break
        elif verb == b"EHLO":
            send("250-loadtest")
            send("250 8BITMIME")
        else:
            send("250 ok")
        await writer.drain()
    writer.close()
    print(f"mails received: {RECEIVED['mails']}", flush=True)


async def main(port):
    server = await asyncio.start_server(session, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
