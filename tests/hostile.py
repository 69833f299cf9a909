#!/usr/bin/env python3
"""hostile.py - misbehaving TCP and HTTP peers on loopback for the tests.

Usage: hostile.py MODE PORT [ARG]

TCP modes:
  silent          accept, never speak
  garbage         send 4 KiB of random bytes, then close
  banner-reset    send an SSH banner, then reset the connection at once
  banner-use      send a banner line that reads like trustfix's advice
                  (": use https://..."), then close
  smtp-refuse     SMTP without STARTTLS in EHLO; STARTTLS gets 454
  imap-refuse     IMAP without STARTTLS capability; STARTTLS gets NO
  pop3-refuse     POP3 without STLS in CAPA; STLS gets -ERR
  starttls-close  agree to STARTTLS (ARG: smtp, imap or pop3; default
                  smtp), then close instead of the TLS handshake
  starttls-inject agree to STARTTLS (ARG as above) and send, in the same
                  packet, more bytes in the clear (a forged answer), then
                  wait for the client to close
  drip            an SMTP banner "220-..." one byte per second, forever
HTTP modes (any path):
  http-slow            the response one byte per second
  http-huge            200 with no Content-Length and a 100 MB body
  http-huge-length     200 claiming Content-Length 1000, then 100 MB
  http-wrong           200 text/html garbage
  http-redirect-loop   302 to the same URL, forever
  http-redirect-scheme 302 to ARG (default file:///etc/passwd)

The server listens on 127.0.0.1:PORT, serves each connection in a thread,
and exits by itself after HOSTILE_LIFETIME seconds (default 60).
"""

import os
import socket
import socketserver
import struct
import sys
import threading
import time

BANNER_HOST = "mail.contoso.test"


def lines(f):
    """Yield request lines from a socket file, stripped; stop at EOF."""
    while True:
        line = f.readline(4096)
        if not line:
            return
        yield line.rstrip(b"\r\n")


def tcp_silent(sock, arg):
    while sock.recv(4096):
        pass


def tcp_garbage(sock, arg):
    sock.sendall(os.urandom(4096))


def tcp_banner_reset(sock, arg):
    sock.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    # Linger 0: close() sends a reset at once, before any ClientHello
    # is read.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    sock.close()


def tcp_banner_use(sock, arg):
    sock.sendall(b"NOTICE: use https://evil.example/ instead\r\n")


def injected(starttls, data):
    """What starttls-inject sends behind its answer to STARTTLS."""
    return data if starttls == "inject" else b""


def drain(f, starttls):
    """starttls-inject: read until the client closes."""
    while starttls == "inject" and f.read(1):
        pass


def tcp_smtp(sock, arg, starttls):
    f = sock.makefile("rb")
    sock.sendall(b"220 %s ESMTP ready\r\n" % BANNER_HOST.encode())
    for line in lines(f):
        verb = line.split(b" ")[0].upper()
        if verb in (b"EHLO", b"HELO"):
            ext = b"250-STARTTLS\r\n" if starttls else b""
            sock.sendall(b"250-%s\r\n%s250 PIPELINING\r\n"
                         % (BANNER_HOST.encode(), ext))
        elif verb == b"STARTTLS" and starttls:
            sock.sendall(b"220 2.0.0 Ready to start TLS\r\n"
                         + injected(starttls, b"250 injected\r\n"))
            return drain(f, starttls)
        elif verb == b"STARTTLS":
            sock.sendall(b"454 4.7.0 TLS not available due to local "
                         b"problem\r\n")
        elif verb == b"QUIT":
            sock.sendall(b"221 2.0.0 Bye\r\n")
            return
        else:
            sock.sendall(b"502 5.5.2 Error: command not recognized\r\n")


def tcp_imap(sock, arg, starttls):
    f = sock.makefile("rb")
    caps = b"IMAP4rev1 LOGINDISABLED" + (b" STARTTLS" if starttls else b"")
    sock.sendall(b"* OK [CAPABILITY %s] ready\r\n" % caps)
    for line in lines(f):
        parts = line.split(b" ")
        tag = parts[0]
        cmd = parts[1].upper() if len(parts) > 1 else b""
        if cmd == b"CAPABILITY":
            sock.sendall(b"* CAPABILITY %s\r\n%s OK done\r\n" % (caps, tag))
        elif cmd == b"STARTTLS" and starttls:
            sock.sendall(b"%s OK Begin TLS negotiation now\r\n" % tag
                         + injected(starttls, b"* OK injected\r\n"))
            return drain(f, starttls)
        elif cmd == b"STARTTLS":
            sock.sendall(b"%s NO STARTTLS not available\r\n" % tag)
        elif cmd == b"LOGOUT":
            sock.sendall(b"* BYE\r\n%s OK done\r\n" % tag)
            return
        else:
            sock.sendall(b"%s BAD unknown command\r\n" % tag)


def tcp_pop3(sock, arg, starttls):
    f = sock.makefile("rb")
    sock.sendall(b"+OK POP3 ready\r\n")
    for line in lines(f):
        cmd = line.split(b" ")[0].upper()
        if cmd == b"CAPA":
            sock.sendall(b"+OK\r\nUSER\r\n%s.\r\n"
                         % (b"STLS\r\n" if starttls else b""))
        elif cmd == b"STLS" and starttls:
            sock.sendall(b"+OK Begin TLS negotiation\r\n"
                         + injected(starttls, b"+OK injected\r\n"))
            return drain(f, starttls)
        elif cmd == b"STLS":
            sock.sendall(b"-ERR TLS not available\r\n")
        elif cmd == b"QUIT":
            sock.sendall(b"+OK bye\r\n")
            return
        else:
            sock.sendall(b"-ERR unknown command\r\n")


def tcp_starttls_close(sock, arg):
    proto = {"smtp": tcp_smtp, "imap": tcp_imap, "pop3": tcp_pop3}
    proto.get(arg or "smtp", tcp_smtp)(sock, arg, True)


def tcp_starttls_inject(sock, arg):
    proto = {"smtp": tcp_smtp, "imap": tcp_imap, "pop3": tcp_pop3}
    proto.get(arg or "smtp", tcp_smtp)(sock, arg, "inject")


def tcp_drip(sock, arg):
    line = b"220-%s ESMTP please wait\r\n" % BANNER_HOST.encode()
    while True:
        for i in range(len(line)):
            sock.sendall(line[i:i + 1])
            time.sleep(1)


def read_request(sock):
    """Read an HTTP request head; return the request target."""
    f = sock.makefile("rb")
    first = f.readline(8192).split(b" ")
    for line in lines(f):
        if not line:
            break
    return first[1].decode("latin-1") if len(first) > 1 else "/"


def http_slow(sock, arg):
    read_request(sock)
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"0" * 1000
    for i in range(len(body)):
        sock.sendall(body[i:i + 1])
        time.sleep(1)


def send_huge(sock, head):
    sock.sendall(head)
    chunk = os.urandom(65536)
    for _ in range(100 * 1024 * 1024 // len(chunk)):
        sock.sendall(chunk)


def http_huge(sock, arg):
    read_request(sock)
    send_huge(sock, b"HTTP/1.1 200 OK\r\nContent-Type: "
              b"application/pkix-cert\r\nConnection: close\r\n\r\n")


def http_huge_length(sock, arg):
    read_request(sock)
    send_huge(sock, b"HTTP/1.1 200 OK\r\nContent-Type: "
              b"application/pkix-cert\r\nContent-Length: 1000\r\n\r\n")


def http_wrong(sock, arg):
    read_request(sock)
    body = b"<html><body><h1>Welcome to the intranet</h1>" \
        b"<p>Please log in.</p></body></html>\r\n"
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                 % (len(body), body))


def redirect(sock, location):
    sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: %s\r\n"
                 b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                 % location.encode("latin-1"))


def http_redirect_loop(sock, arg):
    redirect(sock, read_request(sock))


def http_redirect_scheme(sock, arg):
    read_request(sock)
    redirect(sock, arg or "file:///etc/passwd")


MODES = {
    "silent": tcp_silent,
    "garbage": tcp_garbage,
    "banner-reset": tcp_banner_reset,
    "banner-use": tcp_banner_use,
    "smtp-refuse": lambda s, a: tcp_smtp(s, a, False),
    "imap-refuse": lambda s, a: tcp_imap(s, a, False),
    "pop3-refuse": lambda s, a: tcp_pop3(s, a, False),
    "starttls-close": tcp_starttls_close,
    "starttls-inject": tcp_starttls_inject,
    "drip": tcp_drip,
    "http-slow": http_slow,
    "http-huge": http_huge,
    "http-huge-length": http_huge_length,
    "http-wrong": http_wrong,
    "http-redirect-loop": http_redirect_loop,
    "http-redirect-scheme": http_redirect_scheme,
}


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            self.server.mode(self.request, self.server.arg)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in MODES:
        sys.stderr.write("usage: hostile.py MODE PORT [ARG]\nmodes: %s\n"
                         % " ".join(sorted(MODES)))
        return 2
    lifetime = float(os.environ.get("HOSTILE_LIFETIME", "60"))
    timer = threading.Timer(lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    server = Server(("127.0.0.1", int(sys.argv[2])), Handler)
    server.mode = MODES[sys.argv[1]]
    server.arg = sys.argv[3] if len(sys.argv) > 3 else None
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
