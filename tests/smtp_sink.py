#!/usr/bin/env python3
"""A real SMTP server on loopback for the tests: every accepted message is written to
NNNN.eml in FOLDER (written to a temporary name, then renamed, so readers never see half a mail).

Usage: smtp_sink.py FOLDER [PORT]   (PORT 0 or absent: any free port)
Prints the port on the first line of stdout, then serves until killed.

Recipients whose local part starts with "reject" get a permanent 550, those starting with
"tempfail" a temporary 451: tests use them to exercise failure handling.
"""
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("tempfail"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.folder, "%04d.eml" % self.count)
        temporary = name + ".tmp"
        with open(temporary, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.replace(temporary, name)
        return "250 2.0.0 message accepted"


async def main():
    folder = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(folder, exist_ok=True)
    handler = Sink(folder)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", decode_data=False), "127.0.0.1", port
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
