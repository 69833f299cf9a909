#!/usr/bin/python3
# compare.py - the conformance suite's verdicts: real clients against
# trustfix's client views.
#
# Usage: compare.py TESTDIR TOP_SRCDIR "CLIENT..." MATRIX
# Reads TESTDIR/targets4, TESTDIR/res/CLIENT/SCENARIO (what the real client
# did: "accept" or "reject", then its error), TESTDIR/res/CLIENT.missing
# (why a client could not run), TESTDIR/tf/SCENARIO.json (trustfix
# diagnose --json), tests/conformance/known-disagreements and
# man/trustfix-diagnose.1.  Prints one line per check for conformance.sh,
# "ok|fail|known|todo|skip<TAB>description<TAB>detail", comments as
# "# ...", and writes the agreement matrix to MATRIX.
#
# A client and its view agree when both accept, or both reject and the
# error matches where the view names one: OpenSSL's verify code (openssl,
# openssl-strict), .NET's SslPolicyErrors and X509ChainStatus flags
# (dotnet), or the view's error text found in what the client printed
# (the others).
import json
import os
import re
import subprocess
import sys

CELL = {"agree": "", "stale": "~", "known": "k", "disagree": "!",
    "noview": "?"}


def load_known(top):
	known = {}
	path = os.path.join(top, "tests", "conformance", "known-disagreements")
	for n, line in enumerate(open(path), 1):
		line = line.strip()
		if not line or line.startswith("#"):
			continue
		w = line.split(None, 2)
		if len(w) != 3:
			raise SystemExit("%s:%d: want SCENARIO CLIENT PHRASE" %
			    (path, n))
		known[w[0], w[1]] = w[2]
	return known


def bugs_text(top):
	"""The BUGS section of trustfix-diagnose(1), rendered, one line."""
	page = os.path.join(top, "man", "trustfix-diagnose.1")
	m = None
	try:
		text = subprocess.run(["mandoc", "-Tascii", page],
		    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
		    check=True).stdout.decode()
		text = re.sub(".\b", "", text)
		m = re.search(r"^BUGS\n(.*?)(^[A-Z][A-Z ]+\n|\Z)", text,
		    re.S | re.M)
	except (OSError, subprocess.CalledProcessError):
		pass
	if m is None:
		text = open(page).read()
		m = re.search(r"^\.Sh BUGS\n(.*?)(^\.Sh |\Z)", text,
		    re.S | re.M)
	return squash(m.group(1)) if m else ""


def squash(s):
	return " ".join(str(s).split())


def real(testdir, client, s):
	try:
		v, err = (open(os.path.join(testdir, "res", client, s)).read()
		    .split("\n", 1) + [""])[:2]
		return v, squash(err)
	except OSError:
		return None, "no result"


def load_views(testdir, scen):
	docs = {}
	for s in scen:
		try:
			docs[s] = json.load(open(os.path.join(testdir, "tf",
			    s + ".json")))
		except (OSError, ValueError) as e:
			docs[s] = {"error": "no JSON from trustfix (%s)" % e}
	return docs


def code_of(err):
	"""OpenSSL's verify code in s_client's or strict.py's words."""
	m = re.match(r"(?:verify error:num=)?(\d+)\b", err)
	return int(m.group(1)) if m else None


def dotnet_of(err):
	"""Sets of SslPolicyErrors and chain status flags from Program.cs."""
	pol, _, st = err.partition(": ")
	return ({p.strip() for p in pol.split(",") if p.strip()} - {"None"},
	    {x.strip() for x in st.split(",") if x.strip()})


def unjava(s):
	"""Java's exception messages without the class names they quote."""
	return re.sub(r"\b[a-z]+(\.[A-Za-z0-9_$]+)+(Exception|Error): ", "", s)


def error_agrees(client, view, err):
	"""Whether the client's error (it rejected, as did the view) is the
	one the view names; (True, "") when the view names none."""
	if client in ("openssl", "openssl-strict"):
		want = view.get("code")
		if want is None:
			return True, ""
		got = code_of(err)
		return got == want, "code %s, view code %s" % (got, want)
	if client == "dotnet":
		if "chain_status" not in view and \
		    "ssl_policy_errors" not in view:
			return True, ""
		gp, gs = dotnet_of(err)
		wp = set(view.get("ssl_policy_errors") or [])
		ws = set(view.get("chain_status") or [])
		return (gp, gs) == (wp, ws), "%s: %s, view %s: %s" % (
		    ",".join(sorted(gp)), ",".join(sorted(gs)),
		    ",".join(sorted(wp)), ",".join(sorted(ws)))
	want = view.get("error")
	if not want:
		return True, ""
	norm = lambda t: squash(unjava(t)).lower()
	return norm(want) in norm(err), "view error %r" % want


def compare(c, s, doc, known):
	"""(state, TAP line) for one scenario and client."""
	got, err = real(TESTDIR, c, s)
	if "clients" not in doc:
		return "disagree", "fail\t%s %s: no view, trustfix gave no " \
		    "JSON" % (s, c), got, None
	view = doc["clients"].get(c)
	if view is None:
		return "noview", None, got, None
	tf = "accept" if view.get("trusted") else "reject"
	d = "%s %s: %s %s, trustfix %s" % (s, c, c, got, tf)
	why = ""
	same = got == tf
	if same and got == "reject":
		same, why = error_agrees(c, view, err)
		d += " (error %s)" % ("agrees" if same else "differs")
	if same:
		if (s, c) in known:
			return "stale", "ok\t%s # listed in " \
			    "known-disagreements: remove it" % d, got, tf
		return "agree", "ok\t%s" % d, got, tf
	if (s, c) in known:
		return "known", "known\t%s\t%s" % (d, known[s, c]), got, tf
	said = squash(view.get("message") or view.get("error"))
	return "disagree", "fail\t%s\t%s said: %s | trustfix said: " \
	    "%s%s | %s" % (d, c, err, said, " | " + why if why else "",
	    DESC.get(s, "")), got, tf


def main():
	global TESTDIR, DESC
	TESTDIR, top, clients, matrix = sys.argv[1:5]
	clients = clients.split()
	known = load_known(top)
	bugs = bugs_text(top)
	scen = [l.split()[0] for l in open(os.path.join(TESTDIR, "targets4"))]
	DESC = dict(l.rstrip("\n").split("\t", 1) for l in
	    open(os.path.join(TESTDIR, "gen", "scenarios")))
	docs = load_views(TESTDIR, scen)
	for (s, c), phrase in sorted(known.items()):
		ok = squash(phrase) in bugs
		print("%s\tknown disagreement %s/%s is in "
		    "trustfix-diagnose(1) BUGS\t%s" % ("ok" if ok else "fail",
		    s, c, "" if ok else "BUGS lacks: " + phrase))
		if s not in DESC or c not in clients:
			print("fail\tknown-disagreements lists %s/%s: no such "
			    "scenario or client" % (s, c))
	for s in scen:
		if "clients" not in docs[s]:
			print("fail\ttrustfix diagnose printed no JSON "
			    "document for %s\t%s" % (s, docs[s].get("error")))
	table = {}
	count = {c: dict.fromkeys(CELL, 0) for c in clients}
	for c in clients:
		miss = os.path.join(TESTDIR, "res", c + ".missing")
		if os.path.exists(miss):
			print("skip\t%s: %s" % (c, open(miss).read().strip()))
			for s in scen:
				table[s, c] = "-"
			continue
		# The harness itself: each real client accepts the plain chain
		# and rejects an untrusted root.
		for s, want in (("ok", "accept"),
		    ("untrusted-root", "reject")):
			got, err = real(TESTDIR, c, s)
			print("%s\t%s %ss %s (the harness works)\t%s" %
			    ("ok" if got == want else "fail", c, want, s, err))
		noview = []
		for s in scen:
			state, line, got, tf = compare(c, s, docs[s], known)
			count[c][state] += 1
			table[s, c] = "%s/%s%s" % ((got or "?")[0].upper(),
			    (tf or "?")[0].upper(), CELL[state])
			if line:
				print(line)
			else:
				noview.append(s)
		if noview:
			print("todo\t%s: trustfix has no clients.%s view yet, "
			    "%d scenarios not compared\tno view yet" %
			    (c, c, len(noview)))
	write_matrix(matrix, scen, clients, table, count)


def write_matrix(matrix, scen, clients, table, count):
	lines = ["conformance matrix: %d scenarios x %d clients" %
	    (len(scen), len(clients)),
	    "cell: real client / trustfix view, A accept, R reject; "
	    "! disagreement,",
	    "k known disagreement (known-disagreements, BUGS), ~ agrees "
	    "though listed there,", "? no view yet, - client not run", ""]
	w = max(len(s) for s in scen)
	cw = max(len(c) for c in clients)
	lines.append("%-*s  %s" % (w, "scenario", " ".join("%-*s" % (cw, c)
	    for c in clients)))
	for s in scen:
		lines.append("%-*s  %s" % (w, s, " ".join("%-*s" % (cw,
		    table.get((s, c), "-")) for c in clients)))
	lines += ["", "%-14s %6s %6s %6s %9s %8s" % ("client", "agree",
	    "stale", "known", "disagree", "no view")]
	for c in clients:
		k = count[c]
		lines.append("%-14s %6d %6d %6d %9d %8d" % (c, k["agree"],
		    k["stale"], k["known"], k["disagree"], k["noview"]))
	with open(matrix, "w") as f:
		f.write("\n".join(l.rstrip() for l in lines) + "\n")
	for l in lines[-len(clients) - 1:]:
		print("# " + l)
	print("# matrix: %s" % matrix)


main()
