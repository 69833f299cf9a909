#!/usr/bin/python3
# gen.py - generate the conformance suite's scenarios with the openssl CLI.
#
# Usage: gen.py OUTDIR AIA_BASE
#
# Writes OUTDIR/s/SCENARIO/ with chain.pem (what the server sends, leaf
# first), key.pem (the leaf's key), anchor-N.pem and anchors.pem (what the
# client trusts), name (the name the client asks for) and desc; the
# certificates a scenario serves over http under OUTDIR/aia/SCENARIO/ID.crt
# (DER), which AIA_BASE must serve; and OUTDIR/scenarios, one
# "SCENARIO<TAB>description" per line.  Only the standard library and the
# openssl command line: certificates are made fresh at every run.
import concurrent.futures
import datetime
import os
import subprocess
import sys

H = "www.example.test"
DAY = datetime.timedelta(days=1)
YEAR = 365


def sh(*argv, **kw):
	r = subprocess.run(argv, stdout=subprocess.PIPE,
	    stderr=subprocess.PIPE, env=ENV, **kw)
	if r.returncode != 0:
		raise RuntimeError("%s: %s" % (" ".join(argv),
		    r.stderr.decode(errors="replace")))
	return r.stdout


ENV = dict(os.environ, OPENSSL_CONF="/dev/null", LC_ALL="C")

# --- certificate shapes --------------------------------------------------


def root(**kw):
	e = {"basicConstraints": "critical,CA:TRUE",
	    "keyUsage": "critical,keyCertSign,cRLSign",
	    "subjectKeyIdentifier": "hash"}
	return cert("root", "self", e, start=-3 * YEAR, end=17 * YEAR, **kw)


def ca(id, issuer, **kw):
	e = {"basicConstraints": "critical,CA:TRUE",
	    "keyUsage": "critical,keyCertSign,cRLSign",
	    "subjectKeyIdentifier": "hash",
	    "authorityKeyIdentifier": "keyid"}
	return cert(id, issuer, e, start=-2 * YEAR, end=8 * YEAR, **kw)


def leaf(issuer="inter", san="DNS:" + H, **kw):
	e = {"basicConstraints": "critical,CA:FALSE",
	    "keyUsage": "critical,digitalSignature",
	    "extendedKeyUsage": "serverAuth",
	    "subjectKeyIdentifier": "hash",
	    "authorityKeyIdentifier": "keyid",
	    "subjectAltName": san}
	if kw.get("key", "ec").startswith("rsa"):
		# What RSA server certificates carry: NSS wants
		# keyEncipherment on an RSA key even where TLS 1.3 only signs.
		e["keyUsage"] = "critical,digitalSignature,keyEncipherment"
	kw.setdefault("cn", H)
	return cert("leaf", issuer, e, start=-1, end=397, **kw)


def cert(id, issuer, ext, start, end, cn=None, key="ec", md="sha256",
    set=None, unset=(), v1=False, pss=False, keyof=None, start_=None,
    end_=None, subject=None):
	ext = dict(ext)
	for k in unset:
		ext.pop(k, None)
	ext.update(set or {})
	return {"id": id, "issuer": issuer, "ext": None if v1 else ext,
	    "start": start if start_ is None else start_,
	    "end": end if end_ is None else end_, "cn": cn, "key": key,
	    "md": md, "pss": pss, "keyof": keyof, "subject": subject}


def std(r={}, i={}, l={}):
	"""root -> inter -> leaf, each with overrides."""
	return [root(**r), ca("inter", "root", **i), leaf(**l)]


SCEN = []


def scen(name, desc, certs, sent=("leaf", "inter"), anchors=("root",),
    host=H, aia=()):
	SCEN.append({"name": name, "desc": desc, "certs": certs,
	    "sent": list(sent), "anchors": list(anchors), "host": host,
	    "aia": list(aia)})


def chain_of(n):
	"""n certificates: root, n-2 intermediates, leaf."""
	c = [root()]
	prev = "root"
	for k in range(1, n - 1):
		c.append(ca("i%d" % k, prev))
		prev = "i%d" % k
	c.append(leaf(issuer=prev))
	return c, ["leaf"] + ["i%d" % k for k in range(n - 2, 0, -1)]


CRIT = {"1.3.6.1.4.1.55555.1.1": "critical,ASN1:NULL"}
NONCRIT = {"1.3.6.1.4.1.55555.1.1": "ASN1:NULL"}
LDAP = ("ldap:///CN=Inter,CN=AIA,DC=example,DC=test?cACertificate?base?"
    "objectClass=certificationAuthority")
LEAF_AIA = {"authorityInfoAccess": "caIssuers;URI:{AIA}/inter.crt"}

# --- the scenarios ---------------------------------------------------------

scen("ok", "root -> intermediate -> leaf, all well formed", std())
scen("ok-rsa", "the same with RSA 2048 keys everywhere",
    std({"key": "rsa2048"}, {"key": "rsa2048"}, {"key": "rsa2048"}))
scen("ok-root-sent", "the server also sends the root", std(),
    sent=("leaf", "inter", "root"))
scen("ok-direct", "leaf issued by the root itself",
    [root(), leaf(issuer="root")], sent=("leaf",))
scen("ok-two-anchors", "two roots trusted, one is the issuer",
    std() + [cert("other", "self", root()["ext"], -YEAR, YEAR,
        cn="Other Root")], anchors=("other", "root"))
scen("selfsigned-trusted", "self-signed server certificate (CA:FALSE) "
    "trusted as it is",
    [leaf(issuer="self", set={"authorityKeyIdentifier": "keyid"})],
    sent=("leaf",), anchors=("leaf",))
scen("selfsigned-ca-trusted", "self-signed server certificate with CA:TRUE "
    "trusted as it is",
    [leaf(issuer="self", set={"basicConstraints": "critical,CA:TRUE",
        "keyUsage": "critical,digitalSignature,keyCertSign"})],
    sent=("leaf",), anchors=("leaf",))
scen("selfsigned-untrusted", "self-signed server certificate, not "
    "trusted", [leaf(issuer="self", set={"authorityKeyIdentifier":
        "keyid"}), root()], sent=("leaf",))
scen("untrusted-root", "chain to a root the client does not trust",
    std() + [cert("other", "self", root()["ext"], -YEAR, YEAR,
        cn="Other Root")], anchors=("other",))
scen("missing-inter", "the server sends only the leaf, no AIA",
    std(l={"unset": ["authorityInfoAccess"]}), sent=("leaf",))
scen("name-mismatch", "the name is not in the certificate",
    std(l={"san": "DNS:other.example.test", "cn": "other.example.test"}))
scen("san-case", "SAN in upper case",
    std(l={"san": "DNS:WWW.Example.TEST"}))

# Why: expired trusted root and a valid cross-sign.
XR = [cert("root", "self", root()["ext"], -10 * YEAR, -30),
    cert("xroot", "self", root()["ext"], -3 * YEAR, 17 * YEAR,
        cn="Cross Root"),
    ca("cross", "xroot", keyof="root", subject="root"),
    ca("inter", "root"), leaf()]
scen("expired-root-cross", "expired trusted root; the server sends a valid "
    "cross-sign of it by an untrusted root", XR,
    sent=("leaf", "inter", "cross"))
scen("expired-root-cross-both", "expired trusted root and the valid root "
    "that cross-signs it, both trusted; the cross-sign is sent", XR,
    sent=("leaf", "inter", "cross"), anchors=("root", "xroot"))
scen("cross-to-other-root", "valid cross-sign to the trusted root, the "
    "self-signed one untrusted",
    [root(), cert("xroot", "self", root()["ext"], -3 * YEAR, 17 * YEAR,
        cn="Cross Root"), ca("cross", "xroot", keyof="root",
        subject="root"), ca("inter", "root"), leaf()],
    sent=("leaf", "inter", "cross"), anchors=("xroot",))
# Why: a non-self-signed intermediate as the anchor.
scen("inter-anchor", "the intermediate (not self-signed) is the only "
    "anchor", std(), anchors=("inter",))
scen("inter-anchor-leaf-only", "the intermediate is the only anchor, the "
    "server sends only the leaf", std(), sent=("leaf",),
    anchors=("inter",))
scen("v1-root", "X.509 v1 root (no extensions)", std({"v1": True}))
scen("v1-inter", "X.509 v1 intermediate", std(i={"v1": True}))
scen("v1-leaf", "X.509 v1 leaf (CN only)", std(l={"v1": True}))
scen("ca-no-aki", "intermediate without authorityKeyIdentifier",
    std(i={"unset": ["authorityKeyIdentifier"]}))
scen("leaf-no-aki", "leaf without authorityKeyIdentifier",
    std(l={"unset": ["authorityKeyIdentifier"]}))
scen("no-ski-aki", "no key identifiers anywhere",
    std({"unset": ["subjectKeyIdentifier"]},
        {"unset": ["subjectKeyIdentifier", "authorityKeyIdentifier"]},
        {"unset": ["subjectKeyIdentifier", "authorityKeyIdentifier"]}))
scen("aki-mismatch", "the leaf's authorityKeyIdentifier names another key",
    std(l={"unset": ["authorityKeyIdentifier"], "set": {"2.5.29.35":
        "DER:30:16:80:14:" + ":".join(["5a"] * 20)}}))
scen("ca-no-ku", "intermediate without keyUsage",
    std(i={"unset": ["keyUsage"]}))
scen("root-no-ku", "root without keyUsage", std({"unset": ["keyUsage"]}))
scen("ca-no-bc", "intermediate without basicConstraints",
    std(i={"unset": ["basicConstraints"]}))
scen("root-no-bc", "v3 root without basicConstraints",
    std({"unset": ["basicConstraints"]}))
scen("ip-san-host-cn", "SAN holds only an IP, the host name is in the CN",
    std(l={"san": "IP:127.0.0.1"}))
scen("cn-only", "no subjectAltName, the host name in the CN",
    std(l={"unset": ["subjectAltName"]}))
scen("cn-only-mismatch", "no subjectAltName, another name in the CN",
    std(l={"unset": ["subjectAltName"], "cn": "other.example.test"}))
scen("san-other-cn-match", "SAN names another host, the CN this one",
    std(l={"san": "DNS:other.example.test"}))
scen("bc-not-critical", "basicConstraints CA:TRUE not critical on root "
    "and intermediate (badssl.com)",
    std({"set": {"basicConstraints": "CA:TRUE"}},
        {"set": {"basicConstraints": "CA:TRUE"}}))
scen("bc-not-critical-root", "root's basicConstraints not critical",
    std({"set": {"basicConstraints": "CA:TRUE"}}))
scen("bc-not-critical-inter", "intermediate's basicConstraints not "
    "critical", std(i={"set": {"basicConstraints": "CA:TRUE"}}))
scen("leaf-ca-true", "the leaf has CA:TRUE",
    std(l={"set": {"basicConstraints": "critical,CA:TRUE"}}))
scen("leaf-no-bc", "the leaf has no basicConstraints",
    std(l={"unset": ["basicConstraints"]}))

# Wildcards.
scen("wc", "*.example.test for www.example.test",
    std(l={"san": "DNS:*.example.test", "cn": "*.example.test"}))
scen("wc-two-labels", "*.example.test for a.www.example.test",
    std(l={"san": "DNS:*.example.test"}), host="a.www.example.test")
scen("wc-base", "*.example.test for example.test",
    std(l={"san": "DNS:*.example.test"}), host="example.test")
scen("wc-partial", "w*.example.test for www.example.test",
    std(l={"san": "DNS:w*.example.test"}))
scen("wc-partial-suffix", "*w.example.test for www.example.test",
    std(l={"san": "DNS:*w.example.test"}))
scen("wc-tld", "*.test for example.test",
    std(l={"san": "DNS:*.test"}), host="example.test")
scen("wc-not-leftmost", "www.*.test for www.example.test",
    std(l={"san": "DNS:www.*.test"}))
scen("wc-cn-only", "*.example.test in the CN, no SAN",
    std(l={"unset": ["subjectAltName"], "cn": "*.example.test"}))
scen("wc-idn-label", "*.example.test for an IDN A-label",
    std(l={"san": "DNS:*.example.test"}),
    host="xn--bcher-kva.example.test")
scen("wc-idn-base", "*.xn--bcher-kva.test for www.xn--bcher-kva.test",
    std(l={"san": "DNS:*.xn--bcher-kva.test"}),
    host="www.xn--bcher-kva.test")
scen("wc-idn-partial", "x*.example.test for an IDN A-label",
    std(l={"san": "DNS:x*.example.test"}),
    host="xn--bcher-kva.example.test")
scen("idn-exact", "an IDN A-label in the SAN",
    std(l={"san": "DNS:xn--bcher-kva.example.test"}),
    host="xn--bcher-kva.example.test")

# IP addresses.
scen("ip-san", "IP 127.0.0.1 in the SAN",
    std(l={"san": "IP:127.0.0.1", "cn": "127.0.0.1"}), host="127.0.0.1")
scen("ip-cn-only", "IP 127.0.0.1 in the CN only",
    std(l={"unset": ["subjectAltName"], "cn": "127.0.0.1"}),
    host="127.0.0.1")
scen("ip-san-dns", "127.0.0.1 as a DNS name in the SAN",
    std(l={"san": "DNS:127.0.0.1", "cn": "127.0.0.1"}), host="127.0.0.1")
scen("ip-cn-dns-san", "IP in the CN, the SAN holds a DNS name",
    std(l={"cn": "127.0.0.1"}), host="127.0.0.1")
scen("ip-mismatch", "IP 127.0.0.2 in the SAN, 127.0.0.1 asked for",
    std(l={"san": "IP:127.0.0.2"}), host="127.0.0.1")
scen("ip6-san", "IP ::1 in the SAN",
    std(l={"san": "IP:::1"}), host="::1")

# Extended key usage.
scen("eku-leaf-client", "leaf EKU clientAuth only",
    std(l={"set": {"extendedKeyUsage": "clientAuth"}}))
scen("eku-leaf-any", "leaf EKU anyExtendedKeyUsage only",
    std(l={"set": {"extendedKeyUsage": "anyExtendedKeyUsage"}}))
scen("eku-leaf-none", "leaf without EKU",
    std(l={"unset": ["extendedKeyUsage"]}))
scen("eku-leaf-both", "leaf EKU serverAuth and clientAuth",
    std(l={"set": {"extendedKeyUsage": "serverAuth,clientAuth"}}))
scen("eku-inter-client", "intermediate EKU clientAuth only",
    std(i={"set": {"extendedKeyUsage": "clientAuth"}}))
scen("eku-inter-server", "intermediate EKU serverAuth",
    std(i={"set": {"extendedKeyUsage": "serverAuth"}}))
scen("eku-inter-any", "intermediate EKU anyExtendedKeyUsage",
    std(i={"set": {"extendedKeyUsage": "anyExtendedKeyUsage"}}))
scen("eku-root-client", "root EKU clientAuth only",
    std({"set": {"extendedKeyUsage": "clientAuth"}}))
scen("eku-root-any", "root EKU anyExtendedKeyUsage",
    std({"set": {"extendedKeyUsage": "anyExtendedKeyUsage"}}))

# Key usage.
scen("ku-leaf-no-digsig", "RSA leaf keyUsage keyEncipherment only (TLS "
    "1.3 signs)", std(l={"key": "rsa2048",
        "set": {"keyUsage": "critical,keyEncipherment"}}))
scen("ku-rsa-digsig-only", "RSA leaf keyUsage digitalSignature only",
    std(l={"key": "rsa2048", "set": {"keyUsage":
        "critical,digitalSignature"}}))
scen("ku-leaf-certsign", "leaf keyUsage keyCertSign only",
    std(l={"set": {"keyUsage": "critical,keyCertSign"}}))
scen("ku-ec-keyagreement", "EC leaf keyUsage keyAgreement only (no "
    "digitalSignature)", std(l={"set": {"keyUsage":
        "critical,keyAgreement"}}))
scen("ku-leaf-none", "leaf without keyUsage",
    std(l={"unset": ["keyUsage"]}))
scen("ku-inter-no-certsign", "intermediate keyUsage without keyCertSign",
    std(i={"set": {"keyUsage": "critical,digitalSignature,cRLSign"}}))
scen("ku-root-no-certsign", "root keyUsage without keyCertSign",
    std({"set": {"keyUsage": "critical,digitalSignature,cRLSign"}}))

# pathLenConstraint.
scen("pathlen0-root", "root pathlen:0 above an intermediate",
    std({"set": {"basicConstraints": "critical,CA:TRUE,pathlen:0"}}))
scen("pathlen0-inter", "intermediate pathlen:0 above the leaf",
    std(i={"set": {"basicConstraints": "critical,CA:TRUE,pathlen:0"}}))
scen("pathlen0-inter-sub", "intermediate pathlen:0 above another CA",
    [root(), ca("i1", "root", set={"basicConstraints":
        "critical,CA:TRUE,pathlen:0"}), ca("i2", "i1"), leaf(issuer="i2")],
    sent=("leaf", "i2", "i1"))
scen("pathlen1-root-two", "root pathlen:1 above two intermediates",
    [root(set={"basicConstraints": "critical,CA:TRUE,pathlen:1"}),
        ca("i1", "root"), ca("i2", "i1"), leaf(issuer="i2")],
    sent=("leaf", "i2", "i1"))

# Name constraints.
NC = "nameConstraints"
scen("nc-ok", "intermediate permits example.test, the leaf is in it",
    std(i={"set": {NC: "critical,permitted;DNS:example.test"}}))
scen("nc-violated", "intermediate permits example.org only",
    std(i={"set": {NC: "critical,permitted;DNS:example.org"}}))
scen("nc-excluded", "intermediate excludes example.test",
    std(i={"set": {NC: "critical,excluded;DNS:example.test"}}))
scen("nc-cn-only", "permits example.org; CN-only leaf www.example.test",
    std(i={"set": {NC: "critical,permitted;DNS:example.org"}},
        l={"unset": ["subjectAltName"]}))
scen("nc-cn-outside", "permits example.test; SAN inside, CN outside",
    std(i={"set": {NC: "critical,permitted;DNS:example.test"}},
        l={"cn": "www.example.org"}))
scen("nc-root", "the trusted root permits example.org only",
    std({"set": {NC: "critical,permitted;DNS:example.org"}}))
scen("nc-ip-ok", "permits 127.0.0.0/8; leaf IP 127.0.0.1",
    std(i={"set": {NC: "critical,permitted;IP:127.0.0.0/255.0.0.0"}},
        l={"san": "IP:127.0.0.1"}), host="127.0.0.1")
scen("nc-ip-violated", "permits 10.0.0.0/8; leaf IP 127.0.0.1",
    std(i={"set": {NC: "critical,permitted;IP:10.0.0.0/255.0.0.0"}},
        l={"san": "IP:127.0.0.1"}), host="127.0.0.1")

# Weak signatures and keys at each depth.
for d, what in (("leaf", "leaf"), ("inter", "intermediate"),
    ("root", "root")):
	for md in ("sha1", "md5"):
		r, i, l = {"key": "rsa2048"}, {"key": "rsa2048"}, {}
		{"leaf": l, "inter": i, "root": r}[d]["md"] = md
		scen("%s-%s" % (md, d), "%s signed with %s" % (what,
		    md.upper()), std(r, i, l))
	r, i, l = {}, {}, {}
	{"leaf": l, "inter": i, "root": r}[d]["key"] = "rsa1024"
	scen("rsa1024-%s" % d, "%s with an RSA 1024 key" % what, std(r, i, l))
scen("rsapss-leaf", "leaf signed with RSA-PSS",
    std(i={"key": "rsa2048"}, l={"pss": True}))

# Unknown extensions.
for d, what in (("leaf", "leaf"), ("inter", "intermediate"),
    ("root", "root")):
	r, i, l = {}, {}, {}
	{"leaf": l, "inter": i, "root": r}[d]["set"] = CRIT
	scen("crit-ext-%s" % d, "unknown critical extension on the %s" % what,
	    std(r, i, l))
scen("noncrit-ext-leaf", "unknown non-critical extension on the leaf",
    std(l={"set": NONCRIT}))

# What the server sends.
c4 = [root(), ca("i1", "root"), ca("i2", "i1"), leaf(issuer="i2")]
scen("order-ok-4", "root, two intermediates, sent in order", c4,
    sent=("leaf", "i2", "i1"))
scen("order-reversed", "intermediates sent in the wrong order", c4,
    sent=("leaf", "i1", "i2"))
scen("order-root-first", "root sent before the intermediate", std(),
    sent=("leaf", "root", "inter"))
scen("dup-inter", "the intermediate sent twice", std(),
    sent=("leaf", "inter", "inter"))
scen("dup-leaf", "the leaf sent twice", std(),
    sent=("leaf", "leaf", "inter"))
scen("expired-copy-first", "an expired copy of the intermediate (same "
    "name and key) sent before the valid one",
    std() + [ca("old", "root", keyof="inter", subject="inter",
        start_=-6 * YEAR, end_=-YEAR)], sent=("leaf", "old", "inter"))
scen("expired-copy-only", "only the expired copy of the intermediate "
    "sent", std() + [ca("old", "root", keyof="inter", subject="inter",
        start_=-6 * YEAR, end_=-YEAR)], sent=("leaf", "old"))
scen("extra-unrelated", "an unrelated CA certificate sent too",
    std() + [cert("other", "self", root()["ext"], -YEAR, YEAR,
        cn="Other Root")], sent=("leaf", "inter", "other"))
for n in (10, 11, 20):
	c, s = chain_of(n)
	scen("depth-%d" % n, "a chain of %d certificates (root included)" % n,
	    c, sent=s)

# Validity at each depth.
for d, what in (("leaf", "leaf"), ("inter", "intermediate"),
    ("root", "root")):
	r, i, l = {}, {}, {}
	{"leaf": l, "inter": i, "root": r}[d].update(start_=-400, end_=-35)
	scen("expired-%s" % d, "expired %s" % what, std(r, i, l))
	r, i, l = {}, {}, {}
	{"leaf": l, "inter": i, "root": r}[d].update(start_=30, end_=400)
	scen("notyet-%s" % d, "%s not yet valid" % what, std(r, i, l))

# AIA.
scen("aia-http", "only the leaf sent; its AIA names the intermediate over "
    "http", std(l={"set": LEAF_AIA}), sent=("leaf",), aia=("inter",))
scen("aia-http-sent", "AIA over http, the intermediate sent too",
    std(l={"set": LEAF_AIA}), aia=("inter",))
scen("aia-ldap-only", "only the leaf sent; its AIA is ldap only",
    std(l={"set": {"authorityInfoAccess": [("caIssuers;URI", LDAP)]}}),
    sent=("leaf",))
scen("aia-ldap-then-http", "only the leaf sent; AIA ldap first, then http",
    std(l={"set": {"authorityInfoAccess": [("caIssuers;URI", LDAP),
        ("caIssuers;URI", "{AIA}/inter.crt")]}}),
    sent=("leaf",), aia=("inter",))
scen("aia-http-404", "only the leaf sent; its AIA URL is not found",
    std(l={"set": {"authorityInfoAccess": "caIssuers;URI:{AIA}/none.crt"}}),
    sent=("leaf",))
scen("aia-http-two", "only the leaf sent; two intermediates over AIA",
    [root(), ca("i1", "root"), ca("i2", "i1", set={"authorityInfoAccess":
        "caIssuers;URI:{AIA}/i1.crt"}), leaf(issuer="i2",
        set={"authorityInfoAccess": "caIssuers;URI:{AIA}/i2.crt"})],
    sent=("leaf",), aia=("i1", "i2"))

# --- making them -----------------------------------------------------------

CA_CNF = """[ca]
default_ca = d
[d]
database = %(w)s/index.txt
serial = %(w)s/serial
new_certs_dir = %(w)s
default_md = sha256
policy = p
unique_subject = no
email_in_dn = no
[p]
commonName = optional
"""


def stamp(days):
	t = NOW + days * DAY
	return t.strftime("%Y%m%d%H%M%SZ")


def subject_of(s, c):
	if c["subject"]:
		return subject_of(s, CERTS[s["name"], c["subject"]])
	if c["cn"]:
		return "/O=%s/CN=%s" % (s["name"], c["cn"])
	return "/O=Conformance/OU=%s/CN=%s %s" % (s["name"], s["name"],
	    c["id"])


def ext_conf(ext):
	"""A config section x; a list value becomes a section of its own
	(values with commas, such as LDAP URLs, need one)."""
	x, more = "[x]\n", ""
	for k, v in ext.items():
		if isinstance(v, list):
			x += "%s = @sec_%d\n" % (k, len(more))
			more += "[sec_%d]\n" % len(more) + "".join(
			    "%s.%d = %s\n" % (a, n, b)
			    for n, (a, b) in enumerate(v))
		else:
			x += "%s = %s\n" % (k, v)
	return x + more


def make(s):
	d = os.path.join(OUT, "s", s["name"])
	w = os.path.join(d, "work")
	os.makedirs(w)
	open(os.path.join(w, "index.txt"), "w").close()
	with open(os.path.join(w, "serial"), "w") as f:
		f.write("1000\n")
	with open(os.path.join(w, "ca.cnf"), "w") as f:
		f.write(CA_CNF % {"w": w})
	aia = "%s/%s" % (AIA_BASE, s["name"])
	used = {}
	keys = {}
	for c in s["certs"]:
		CERTS[s["name"], c["id"]] = c
		if c["keyof"]:
			keys[c["id"]] = keys[c["keyof"]]
		else:
			n = used.get(c["key"], 0)
			used[c["key"]] = n + 1
			keys[c["id"]] = os.path.join(OUT, "keys", "%s-%d.key" %
			    (c["key"], n))
	for c in s["certs"]:
		p = os.path.join(w, c["id"])
		sh("openssl", "req", "-new", "-key", keys[c["id"]], "-subj",
		    subject_of(s, c), "-out", p + ".csr")
		args = ["openssl", "ca", "-config", os.path.join(w, "ca.cnf"),
		    "-batch", "-notext", "-preserveDN", "-rand_serial",
		    "-in", p + ".csr", "-out", p + ".pem", "-md", c["md"],
		    "-startdate", stamp(c["start"]),
		    "-enddate", stamp(c["end"])]
		if c["issuer"] == "self":
			args += ["-selfsign", "-keyfile", keys[c["id"]]]
		else:
			args += ["-cert",
			    os.path.join(w, c["issuer"] + ".pem"),
			    "-keyfile", keys[c["issuer"]]]
		if c["pss"]:
			args += ["-sigopt", "rsa_padding_mode:pss",
			    "-sigopt", "rsa_pss_saltlen:digest"]
		ext = c["ext"]
		iss = CERTS.get((s["name"], c["issuer"]))
		if ext is not None and iss is not None and \
		    (iss["ext"] is None or
		    "subjectKeyIdentifier" not in iss["ext"]):
			# No key identifier to name: a v1 issuer has none.
			ext = {k: v for k, v in ext.items()
			    if k != "authorityKeyIdentifier"}
		if ext is not None:
			with open(p + ".ext", "w") as f:
				f.write(ext_conf(ext).replace("{AIA}", aia))
			args += ["-extfile", p + ".ext", "-extensions", "x"]
		sh(*args)
	pem = lambda id: open(os.path.join(w, id + ".pem")).read()
	with open(os.path.join(d, "chain.pem"), "w") as f:
		f.write("".join(pem(id) for id in s["sent"]))
	with open(os.path.join(d, "key.pem"), "w") as f:
		f.write(open(keys["leaf"]).read())
	for n, id in enumerate(s["anchors"]):
		with open(os.path.join(d, "anchor-%d.pem" % n), "w") as f:
			f.write(pem(id))
	with open(os.path.join(d, "anchors.pem"), "w") as f:
		f.write("".join(pem(id) for id in s["anchors"]))
	with open(os.path.join(d, "name"), "w") as f:
		f.write(s["host"] + "\n")
	with open(os.path.join(d, "desc"), "w") as f:
		f.write(s["desc"] + "\n")
	if s["aia"]:
		os.makedirs(os.path.join(OUT, "aia", s["name"]))
	for id in s["aia"]:
		sh("openssl", "x509", "-in", os.path.join(w, id + ".pem"),
		    "-outform", "DER", "-out",
		    os.path.join(OUT, "aia", s["name"], id + ".crt"))


def genkey(name):
	kind, n = name.rsplit("-", 1)
	if kind == "ec":
		argv = ["-algorithm", "EC", "-pkeyopt",
		    "ec_paramgen_curve:P-256"]
	else:
		argv = ["-algorithm", "RSA", "-pkeyopt",
		    "rsa_keygen_bits:" + kind[3:]]
	sh("openssl", "genpkey", *argv, "-out",
	    os.path.join(OUT, "keys", name + ".key"))


def main():
	global OUT, AIA_BASE, NOW, CERTS
	if len(sys.argv) != 3:
		sys.stderr.write("usage: gen.py OUTDIR AIA_BASE\n")
		return 2
	OUT, AIA_BASE = sys.argv[1], sys.argv[2]
	NOW = datetime.datetime.utcnow().replace(microsecond=0)
	CERTS = {}
	os.makedirs(os.path.join(OUT, "keys"))
	os.makedirs(os.path.join(OUT, "aia"), exist_ok=True)
	need = {}
	for s in SCEN:
		n = {}
		for c in s["certs"]:
			if not c["keyof"]:
				n[c["key"]] = n.get(c["key"], 0) + 1
		for k, v in n.items():
			need[k] = max(need.get(k, 0), v)
	names = ["%s-%d" % (k, i) for k, v in need.items() for i in range(v)]
	with concurrent.futures.ThreadPoolExecutor(4) as ex:
		list(ex.map(genkey, names))
	# Subjects may refer to certificates made earlier in a scenario,
	# so CERTS is filled before any openssl runs for it (make()).
	with concurrent.futures.ThreadPoolExecutor(3) as ex:
		list(ex.map(make, SCEN))
	with open(os.path.join(OUT, "scenarios"), "w") as f:
		for s in SCEN:
			f.write("%s\t%s\n" % (s["name"], s["desc"]))
	return 0


if __name__ == "__main__":
	sys.exit(main())
