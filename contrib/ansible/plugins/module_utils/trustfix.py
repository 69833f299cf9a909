# -*- coding: utf-8 -*-
# trustfix.py - run trustfix with --json on the managed host, read its answer.
#
# Shared by the trustfix.trust modules: they never parse certificates or
# trust stores themselves; they ask trustfix and report what it says.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os


def trustfix_bin(module):
    """The trustfix program on the managed host (fails the task if none)."""
    path = module.params.get('trustfix_path')
    if path:
        return path
    return module.get_bin_path('trustfix', required=True,
                               opt_dirs=['/usr/local/bin'])


def run_json(module, argv, ok_codes=(0,)):
    """Run trustfix ARGV...; return (rc, document, stderr).

    Fails the task when the exit code is not in ok_codes, with trustfix's
    own message, or when stdout is not one JSON document.
    """
    cmd = [trustfix_bin(module)] + argv
    rc, out, err = module.run_command(cmd, environ_update={'LC_ALL': 'C'})
    doc = None
    if out.strip():
        try:
            doc = json.loads(out)
        except ValueError:
            module.fail_json(msg='trustfix printed no JSON document',
                             cmd=cmd, rc=rc, stdout=out, stderr=err)
    if rc not in ok_codes:
        msg = err.strip().splitlines()
        module.fail_json(msg=msg[-1] if msg else
                         'trustfix exited with status %d' % rc,
                         cmd=cmd, rc=rc, stderr=err, answer=doc)
    if doc is None:
        module.fail_json(msg='trustfix printed nothing on stdout', cmd=cmd,
                         rc=rc, stderr=err)
    return rc, doc, err


def store_args(module):
    store = module.params.get('store')
    return ['--store', store] if store else []


def store_missing(module):
    """True when store names a directory that does not exist yet.

    trustfix creates a --store DIR only when it changes it; list and
    --dry-run refuse a missing one (a typo must not look like an empty
    store), so the modules treat it as empty themselves.
    """
    store = module.params.get('store')
    return bool(store) and '/' in store and not os.path.exists(store)


def list_anchors(module, everything=True):
    """trustfix list --json: the live store, as p11-kit's module sees it."""
    if store_missing(module):
        return {'anchors': [], 'store': {'backend': 'directory',
                                         'location': module.params['store']}}
    argv = ['list', '--json'] + store_args(module)
    if everything:
        argv.append('--all')
    return run_json(module, argv)[1]


def live(doc):
    """{sha256: subject} of the anchors a client trusts (not distrusted)."""
    return dict((a['sha256'], a.get('subject', ''))
                for a in doc.get('anchors', [])
                if not a.get('distrusted', False))


def norm_sha256(value):
    """A fingerprint as trustfix prints it: lowercase hex, no colons."""
    if value is None:
        return None
    return value.replace(':', '').replace(' ', '').lower()
