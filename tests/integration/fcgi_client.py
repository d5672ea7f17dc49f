"""A minimal FastCGI client for the integration tests: straight at
kaa-fcgi's socket, past nginx, so a test can stall, cut or time a request
as no well-behaved proxy would."""
import socket
import struct


def record(kind, content=b""):
    return struct.pack(">BBHHBx", 1, kind, 1, len(content), 0) + content


def pair(k, v):
    k, v = k.encode(), v.encode()
    return bytes([len(k)]) + bytes([len(v)]) + k + v   # all short here


def begin(s, params):
    """Sends BEGIN_REQUEST (responder) and the parameters on socket s."""
    s.sendall(record(1, struct.pack(">HB5x", 1, 0)))
    s.sendall(record(4, b"".join(pair(k, v) for k, v in params.items())) + record(4))


def connect(path, params=None, timeout=30):
    """A connection to the socket at path; with params, the request begun."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    if params is not None:
        begin(s, params)
    return s


def read_all(s):
    """Everything socket s sends until it closes, resets or times out."""
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except (ConnectionResetError, socket.timeout):
        pass
    return out


def status_of(s):
    """Reads the whole response; its Status code, or 0 if none came."""
    out = read_all(s)
    body, i = b"", 0
    while i + 8 <= len(out):
        _, kind, _, clen, plen = struct.unpack(">BBHHB", out[i:i + 7])
        if kind == 6:
            body += out[i + 8:i + 8 + clen]
        i += 8 + clen + plen
    line = body.split(b"\r\n", 1)[0].decode(errors="replace")
    return int(line.split()[1]) if line.startswith("Status:") else 0
