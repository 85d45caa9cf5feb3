#!/usr/bin/python3
"""A small i-PI client (standard library only) that answers correctly or
fails in a chosen way, for the server's fault tests.

usage: faulty_client.py (unix:NAME | HOST:PORT) MODE
The correct answer is the harmonic potential E = 1/2 sum |r|^2 in atomic
units: F = -r, virial W_ab = -sum r_a r_b, extra = '{"client":"faulty"}'.
MODE: ok; die (exit 3 on the first POSDATA); hang (sleep on POSDATA);
natoms (one atom too many in FORCEREADY); nan (NaN energy); garbage (junk
instead of HAVEDATA); huge (absurd extra-string length); flaky (die on the
first run in this directory, ok afterwards: a marker file remembers);
needinit (correct, but asks for INIT before every force call, as QE and ASE
do, and exits 5 on an empty INIT text, on which pw.x 6.7 hangs).
Exit status 0 after EXIT, 4 when the server closes without it."""
import os
import socket
import struct
import sys
import time

address, mode = sys.argv[1], sys.argv[2]
if mode == "flaky":
    if os.path.exists("flaky.marker"):
        mode = "ok"
    else:
        open("flaky.marker", "w").close()
        mode = "die"

if address.startswith("unix:"):
    sock = socket.socket(socket.AF_UNIX)
    sock.connect("/tmp/ipi_" + address[5:])
else:
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))


def recv(n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            sys.exit(4)  # the server went away without EXIT
        data += chunk
    return data


def send_header(word):
    sock.sendall(word.encode().ljust(12))


have_data = False
have_init = mode != "needinit"
positions = []
while True:
    msg = recv(12).decode().strip()
    if msg == "STATUS":
        if have_data and mode == "garbage":
            sock.sendall(b"\x00\xffGARBAGE!\x01\x02")
        else:
            send_header("HAVEDATA" if have_data else "READY" if have_init else "NEEDINIT")
    elif msg == "INIT":
        bead, n = struct.unpack("<ii", recv(8))
        recv(n)
        if mode == "needinit" and n == 0:
            sys.exit(5)
        have_init = True
    elif msg == "POSDATA":
        recv(144)
        (n,) = struct.unpack("<i", recv(4))
        flat = struct.unpack("<%dd" % (3 * n), recv(24 * n))
        positions = [flat[3 * i:3 * i + 3] for i in range(n)]
        if mode == "die":
            sys.exit(3)
        if mode == "hang":
            time.sleep(3600)
        have_data = True
    elif msg == "GETFORCE":
        energy = 0.5 * sum(x * x for r in positions for x in r)
        if mode == "nan":
            energy = float("nan")
        forces = [-x for r in positions for x in r]
        virial = [-sum(r[a] * r[b] for r in positions) for a in range(3) for b in range(3)]
        n = len(positions) + (1 if mode == "natoms" else 0)
        if mode == "natoms":
            forces += [0.0, 0.0, 0.0]
        extra = b'{"client":"faulty"}'
        body = struct.pack("<di", energy, n) + struct.pack("<%dd" % len(forces), *forces)
        body += struct.pack("<9d", *virial)
        body += struct.pack("<i", 2**31 - 1 if mode == "huge" else len(extra)) + extra
        send_header("FORCEREADY")
        sock.sendall(body)
        have_data = False
        have_init = mode != "needinit"
    elif msg == "EXIT":
        sys.exit(0)
    else:
        sys.exit("unknown message " + repr(msg))
