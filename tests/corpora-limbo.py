#!/usr/bin/env python3
# corpora-limbo.py - run x509-limbo's TLS server cases through trustfix and
# openssl verify, and report how often each agrees with the expectation.
#
# usage: corpora-limbo.py TRUSTFIX CORPUS.jsonl.xz REPORT [LIMIT]
# Prints "# ..." lines and a final "RESULT key=value ..." line that
# tests/corpora-limbo.sh turns into TAP.

import calendar
import collections
import concurrent.futures
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60


def write(path, pems):
    with open(path, "w") as f:
        for p in pems:
            f.write(p if p.endswith("\n") else p + "\n")


def epoch(t):
    return str(calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ")))


def run(argv):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


def trustfix_case(trustfix, d, case):
    argv = [trustfix, "diagnose", "--chain", d + "/peer.pem"]
    if case["untrusted"]:
        argv += ["--untrusted", d + "/untrusted.pem"]
    argv += ["--trust", d + "/trusted.pem", "--name",
             case["name"]["value"], "--client", "rfc5280"]
    if case["time"]:
        argv += ["--at", case["time"]]
    argv += ["--purpose", "server-auth", "--no-aia", "--json"]
    rc, out, err = run(argv)
    verdict, ids = None, []
    try:
        doc = json.loads(out)
        verdict = doc.get("verdict")
        ids = [f.get("id") + ("" if f.get("severity") == "error"
                              else "(" + str(f.get("severity")) + ")")
               for f in doc.get("findings", [])]
    except (ValueError, AttributeError, TypeError):
        pass
    return {"rc": rc, "verdict": verdict, "findings": ids,
            "stderr": err.decode("utf-8", "replace").strip()[:300]}


def openssl_case(d, case):
    argv = ["openssl", "verify", "-x509_strict", "-partial_chain",
            "-auth_level", "2", "-purpose", "sslserver"]
    if case["time"]:
        argv += ["-attime", epoch(case["time"])]
    kind = "-verify_ip" if case["name"]["kind"] == "IP" else \
        "-verify_hostname"
    argv += [kind, case["name"]["value"], "-CAfile", d + "/trusted.pem"]
    if case["untrusted"]:
        argv += ["-untrusted", d + "/untrusted.pem"]
    argv.append(d + "/peer.pem")
    rc, out, err = run(argv)
    text = (out + err).decode("utf-8", "replace")
    reason = ""
    for line in text.splitlines():
        if line.startswith("error ") or "verification failed" in line:
            reason = line.strip()[:200]
            break
    return {"rc": rc, "reason": reason}


def one(trustfix, top, i, case):
    d = os.path.join(top, str(i))
    os.mkdir(d)
    write(d + "/peer.pem", [case["peer"]])
    write(d + "/untrusted.pem", case["untrusted"])
    write(d + "/trusted.pem", case["trusted"])
    tf = trustfix_case(trustfix, d, case)
    ossl = openssl_case(d, case)
    shutil.rmtree(d)
    return case, tf, ossl


def tf_agrees(case, tf):
    if case["expected_result"] == "SUCCESS":
        return tf["rc"] == 0 and tf["verdict"] == "trusted"
    # A client rejects what it cannot read (exit 4) as surely as what it
    # does not trust (exit 1).
    return tf["rc"] in (1, 4)


def category(case_id):
    parts = case_id.split("::")
    return "::".join(parts[:2])


class Tally:
    def __init__(self):
        self.n = self.tf = self.ossl = 0
        self.crash = []
        self.inconsistent = []
        self.exit4 = 0
        self.dis = []          # trustfix disagreements
        self.only_ossl = 0     # openssl wrong, trustfix right
        self.both = 0

    def add(self, case, tf, ossl):
        self.n += 1
        a = tf_agrees(case, tf)
        b = (ossl["rc"] == 0) == (case["expected_result"] == "SUCCESS")
        self.tf += a
        self.ossl += b
        if tf["rc"] == 4:
            self.exit4 += 1
        if tf["rc"] == "timeout" or (isinstance(tf["rc"], int) and
                                     (tf["rc"] < 0 or tf["rc"] > 4)):
            self.crash.append((case["id"], tf["rc"]))
        elif tf["rc"] in (0, 1) and tf["verdict"] != \
                ("trusted" if tf["rc"] == 0 else "untrusted"):
            self.inconsistent.append(case["id"])
        if not a:
            self.dis.append((case, tf, ossl, b))
            self.both += not b
        elif not b:
            self.only_ossl += 1


def pct(a, n):
    return 100.0 * a / n if n else 0.0


def breakdown(t):
    cats = collections.Counter()
    kinds = collections.Counter()
    found = collections.Counter()
    for case, tf, ossl, ob in t.dis:
        cats[category(case["id"])] += 1
        if case["expected_result"] == "SUCCESS":
            kinds["expected SUCCESS, trustfix says %s (exit %s)"
                  % (tf["verdict"], tf["rc"])] += 1
            for f in tf["findings"]:
                found[f] += 1
        else:
            kinds["expected FAILURE, trustfix says %s (exit %s)"
                  % (tf["verdict"], tf["rc"])] += 1
    return cats, kinds, found


def report(t, path, wall):
    cats, kinds, found = breakdown(t)
    lines = [
        "x509-limbo TLS server cases: %d scored" % t.n,
        "trustfix %.1f %% (%d/%d), openssl verify %.1f %% (%d/%d)"
        % (pct(t.tf, t.n), t.tf, t.n, pct(t.ossl, t.n), t.ossl, t.n),
        "trustfix wrong where openssl is right: %d; both wrong: %d; "
        "openssl wrong where trustfix is right: %d"
        % (len(t.dis) - t.both, t.both, t.only_ossl),
        "trustfix exit 4 (unreadable input) on FAILURE cases: %d"
        % t.exit4,
        "crashes or timeouts: %d; verdict/exit mismatches: %d"
        % (len(t.crash), len(t.inconsistent)),
        "wall time: %.0f s" % wall, "",
        "trustfix disagreements by kind:"]
    lines += ["  %5d  %s" % (n, k) for k, n in kinds.most_common()]
    lines += ["", "trustfix disagreements by case id prefix:"]
    lines += ["  %5d  %s" % (n, k) for k, n in cats.most_common()]
    lines += ["", "error findings on expected-SUCCESS cases trustfix "
              "rejects:"]
    lines += ["  %5d  %s" % (n, k) for k, n in found.most_common()]
    lines += ["", "crashes/timeouts:"]
    lines += ["  %s exit %s" % c for c in t.crash[:50]]
    lines += ["", "every disagreement (id, expected, trustfix exit/"
              "verdict/findings, openssl):"]
    for case, tf, ossl, ob in sorted(t.dis, key=lambda x: x[0]["id"]):
        lines.append("  %s %s tf=%s/%s [%s] openssl=%s%s%s" % (
            case["id"], case["expected_result"], tf["rc"], tf["verdict"],
            " ".join(tf["findings"]), ossl["rc"],
            " (right)" if ob else " (also wrong)",
            (" " + tf["stderr"].splitlines()[0]) if tf["stderr"] and
            tf["verdict"] is None else ""))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return lines


def cases(path, limit):
    n = 0
    with lzma.open(path, "rt") as f:
        for line in f:
            c = json.loads(line)
            if c.get("scored", True) is False:
                continue
            yield n, c
            n += 1
            if limit and n >= limit:
                return


def main():
    trustfix, corpus, out = sys.argv[1:4]
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    jobs = int(os.environ.get("CORPORA_JOBS", os.cpu_count() or 2))
    top = tempfile.mkdtemp(prefix="trustfix-limbo.")
    t = Tally()
    start = time.time()
    try:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            futs = collections.deque()
            for i, c in cases(corpus, limit):
                futs.append(pool.submit(one, trustfix, top, i, c))
                while len(futs) > 4 * jobs:
                    t.add(*futs.popleft().result())
            while futs:
                t.add(*futs.popleft().result())
    finally:
        shutil.rmtree(top, ignore_errors=True)
    lines = report(t, out, time.time() - start)
    for line in lines[:40]:
        print("# " + line)
    print("RESULT scored=%d trustfix=%d openssl=%d crashes=%d "
          "inconsistent=%d" % (t.n, t.tf, t.ossl, len(t.crash),
                               len(t.inconsistent)))


if __name__ == "__main__":
    main()
