#!/usr/bin/python3
# strict.py - TLS handshakes with Python's ssl and X509_STRICT +
# PARTIAL_CHAIN, the flags of Python 3.13's default context.
#
# Usage: strict.py TARGETS OUTDIR
# TARGETS has one "SCENARIO PORT NAME DIR" per line; for each, a context
# trusting DIR/anchors.pem only, a handshake with 127.0.0.1:PORT for NAME;
# OUTDIR/SCENARIO gets "accept" or "reject", then the error.
import os
import socket
import ssl
import sys


def attempt(port, name, d):
	ctx = ssl.create_default_context(cafile=os.path.join(d, "anchors.pem"))
	ctx.verify_flags |= ssl.VERIFY_X509_STRICT | \
	    ssl.VERIFY_X509_PARTIAL_CHAIN
	with socket.create_connection(("127.0.0.1", int(port)), 20) as s:
		with ctx.wrap_socket(s, server_hostname=name):
			pass


def main():
	for line in open(sys.argv[1]):
		w = line.split()
		if len(w) != 4:
			continue
		try:
			attempt(*w[1:])
			out = "accept\nok\n"
		except ssl.SSLCertVerificationError as e:
			out = "reject\n%d %s\n" % (e.verify_code,
			    e.verify_message)
		except (OSError, ssl.SSLError) as e:
			out = "reject\n%s\n" % str(e).replace("\n", " ")
		with open(os.path.join(sys.argv[2], w[0]), "w") as f:
			f.write(out)


main()
