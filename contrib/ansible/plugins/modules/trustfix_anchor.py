#!/usr/bin/python
# -*- coding: utf-8 -*-
# trustfix_anchor.py - a trust anchor in or out of a host's live store.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: trustfix_anchor
short_description: Add or remove a trust anchor, converging on the live store
version_added: "0.1.0"
description:
  - Makes a root certificate trusted (or no longer trusted) by the managed
    host's system trust store, through C(trustfix import) or
    C(trustfix remove) with C(--json --yes).
  - The store is the one trustfix picks on the host (C(--store auto)), the
    ca-certificates backend on Debian, Ubuntu, Alpine and SUSE, the
    p11-kit trust module's writable token on Fedora, RHEL and Arch.
  - Convergence is on the live store, not on a file. The task is
    C(changed) when trustfix reports a change, or when the anchor's
    presence in what C(trustfix list --all) reports (the trust module's
    view of the extracted store) differs from the requested state. A host
    where an earlier refresh failed half-way (the anchor file gone but the
    bundle still trusting the root, or the reverse) is therefore found and
    repaired on the next run, and reported as changed.
  - After a change the module reads the live store again and fails when it
    does not match the requested state.
  - Check mode runs trustfix with C(--dry-run). The diff lists the anchors
    trustfix manages (and the ones named by the task) as
    C(sha256 subject) lines before and after.
requirements:
  - trustfix on the managed host (the C(trustfix) Debian package, or the
    C(trustfix.trust.install) role).
  - Root on the managed host for the system store (C(become)).
options:
  src:
    description:
      - Path on the managed host of a certificate file (PEM, DER, PKCS#7,
        PKCS#12 or an archive of those; recognised by content).
      - To send a file from the controller use C(content) with a
        C(lookup('file', ...)).
    type: path
  content:
    description:
      - The certificate itself, as PEM text.
    type: str
  url:
    description:
      - Download the certificate from this URL on the managed host (for
        example the AD CS C(CertEnroll) address of the root).
      - Requires C(expect_sha256), since a certificate fetched over the network
        could be an attacker's.
    type: str
  expect_sha256:
    description:
      - The SHA-256 fingerprint the certificate must have (any case, with or
        without colons). trustfix refuses any other certificate and changes
        nothing.
      - With C(state=absent) and no C(src), C(content) or C(url), the
        fingerprint alone names the anchor to remove.
    type: str
  state:
    description:
      - C(present) imports the anchor, C(absent) removes it (only anchors
        that trustfix added, unless C(force)).
    type: str
    choices: [present, absent]
    default: present
  purpose:
    description:
      - Trust the anchor only for these purposes, where the backend carries
        them (C(--purpose)).
    type: list
    elements: str
    choices: [server-auth, client-auth, email, code-signing]
  also:
    description:
      - Host stores beyond the system store that follow the same change
        (C(--also)).
    type: list
    elements: str
    choices: [java, nss, dotnet, all]
  label:
    description:
      - Label of the anchor, C(trustfix:LABEL) (default its common name).
    type: str
  force:
    description:
      - Override trustfix's refusals (a certificate that is not a CA, a
        distribution anchor to remove). Read trustfix's warnings first.
    type: bool
    default: false
  store:
    description:
      - The store, as trustfix's C(--store) takes it (C(auto),
        C(p11-kit), C(ca-certificates), or a directory that becomes a
        private p11-kit store).
    type: str
  url_timeout:
    description:
      - Seconds allowed for the download of C(url).
    type: int
    default: 10
  validate_certs:
    description:
      - Verify the TLS certificate of an https C(url).
    type: bool
    default: true
  trustfix_path:
    description:
      - The trustfix program on the managed host (default found in the
        C(PATH)).
    type: path
notes:
  - Supports check mode and diff mode.
  - The download of C(url) is bounded to 1 MiB.
seealso:
  - module: trustfix.trust.trustfix_anchors
  - module: trustfix.trust.trustfix_diagnose
  - name: trustfix-import(1)
    description: The man page of the command this module runs.
    link: https://manpages.debian.org/trustfix-import
author:
  - trustfix maintainers
'''

EXAMPLES = r'''
- name: Trust the enterprise root on every router host
  trustfix.trust.trustfix_anchor:
    content: "{{ lookup('file', 'files/contoso-root.pem') }}"
    expect_sha256: a3a7b28fd4309374e666389863eee436f04766a5443cddf88fa3ba014da25462
    purpose: [server-auth]
  become: true

- name: Fetch the root from the CA's web enrollment and trust it
  trustfix.trust.trustfix_anchor:
    url: http://pki.contoso.test/CertEnroll/contoso-root.crt
    expect_sha256: "A3:A7:B2:8F:D4:30:93:74:E6:66:38:98:63:EE:E4:36:F0:47:66:A5:44:3C:DD:F8:8F:A3:BA:01:4D:A2:54:62"
    also: [java]
  become: true

- name: Retire the old root everywhere
  trustfix.trust.trustfix_anchor:
    expect_sha256: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
    state: absent
  become: true
'''

RETURN = r'''
anchors:
  description:
    - trustfix's answer, one entry per certificate of the task, as
      C(trustfix import --json) or C(trustfix remove --json) prints it.
  returned: always
  type: list
  elements: dict
  contains:
    sha256:
      description: SHA-256 fingerprint, lowercase hex.
      type: str
      sample: a3a7b28fd4309374e666389863eee436f04766a5443cddf88fa3ba014da25462
    subject:
      description: Subject of the certificate (absent when a fingerprint
        named an anchor the store does not hold).
      type: str
      sample: CN=Contoso Root CA, DC=contoso, DC=test
    changed:
      description: Whether trustfix changed the store for this anchor.
      type: bool
store:
  description: The store trustfix used.
  returned: always
  type: dict
  sample:
    backend: ca-certificates
    location: /usr/local/share/ca-certificates
repaired:
  description:
    - True when trustfix reported nothing to change but the live store did
      not match the requested state before the run (an earlier change that
      was left half-done, such as a failed refresh), and the run fixed it.
  returned: always
  type: bool
'''

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url
from ansible_collections.trustfix.trust.plugins.module_utils.trustfix import (
    list_anchors, live, norm_sha256, run_json, store_args, store_missing)

MAX_DOWNLOAD = 1024 * 1024


def write_temp(module, data):
    fd, path = tempfile.mkstemp(dir=module.tmpdir, suffix='.crt')
    with os.fdopen(fd, 'wb') as f:
        f.write(data)
    return path


def download(module, url):
    resp, info = fetch_url(module, url, timeout=module.params['url_timeout'])
    if resp is None or info.get('status') != 200:
        module.fail_json(msg='cannot download %s: %s' %
                         (url, info.get('msg', 'no answer')))
    data = resp.read(MAX_DOWNLOAD + 1)
    if len(data) > MAX_DOWNLOAD:
        module.fail_json(msg='%s is larger than %d bytes: not a certificate'
                         % (url, MAX_DOWNLOAD))
    return write_temp(module, data)


def operands(module):
    p = module.params
    if p['src']:
        return [p['src']]
    if p['content']:
        return [write_temp(module, p['content'].encode('utf-8'))]
    if p['url']:
        return [download(module, p['url'])]
    return [norm_sha256(p['expect_sha256'])]


def command(module, ops, dry_run):
    p = module.params
    present = p['state'] == 'present'
    argv = ['import' if present else 'remove', '--json', '--yes']
    argv += store_args(module)
    if present and p['purpose']:
        argv += ['--purpose', ','.join(p['purpose'])]
    if present and p['label']:
        argv += ['--label', p['label']]
    if present and p['expect_sha256']:
        argv += ['--expect-sha256', norm_sha256(p['expect_sha256'])]
    if p['also']:
        argv += ['--also', ','.join(p['also'])]
    if p['force']:
        argv.append('--force')
    if dry_run:
        argv.append('--dry-run')
    return argv + ['--'] + ops


def check_removal(module, ops, answer):
    """remove has no --expect-sha256: compare its dry-run answer."""
    want = norm_sha256(module.params['expect_sha256'])
    got = [a['sha256'] for a in answer.get('anchors', [])]
    if got != [want]:
        module.fail_json(msg='the certificate has SHA-256 %s, not %s as '
                         'expected: nothing removed' %
                         (', '.join(got) or 'none', want), anchors=got)


def shown(doc, named):
    """{sha256: subject} of trustfix's anchors and the live named ones."""
    seen = live(doc)
    out = dict((a['sha256'], a.get('subject', ''))
               for a in doc.get('anchors', []) if a.get('trustfix'))
    for sha in named:
        if sha in seen:
            out[sha] = seen[sha]
    return out


def lines(anchors):
    return ''.join('%s %s\n' % (sha, anchors[sha]) for sha in sorted(anchors))


def answer_of(module, ops):
    """trustfix's answer to the change, or to its --dry-run in check mode.

    A --store DIR that does not exist yet is one that holds nothing: its
    dry run is asked of an empty directory in its place, since trustfix
    refuses a dry run on a store that is not there.
    """
    if not (module.check_mode and store_missing(module)):
        return run_json(module, command(module, ops, module.check_mode))[1]
    store = module.params['store']
    empty = tempfile.mkdtemp(prefix='trustfix-check-')
    try:
        module.params['store'] = empty
        answer = run_json(module, command(module, ops, True))[1]
    finally:
        module.params['store'] = store
        shutil.rmtree(empty, ignore_errors=True)
    answer['store'] = dict(answer.get('store', {}), location=store)
    return answer


def run(module):
    p = module.params
    present = p['state'] == 'present'
    ops = operands(module)
    before = list_anchors(module)
    live_before = live(before)
    if not present and p['expect_sha256'] and ops[0] != norm_sha256(
            p['expect_sha256']):
        check_removal(module, ops, run_json(module, command(module, ops,
                                                            True))[1])
    answer = answer_of(module, ops)
    anchors = answer.get('anchors', [])
    named = [a['sha256'] for a in anchors]
    by_trustfix = any(a.get('changed') for a in anchors)
    if present:
        needed = any(s not in live_before for s in named)
    else:
        needed = any(s in live_before for s in named)
    subjects = dict(live_before)
    subjects.update((a['sha256'], a['subject']) for a in anchors
                    if a.get('subject'))
    old = shown(before, named)
    if module.check_mode:
        new = dict(old)
        for s in named:
            if present:
                new[s] = subjects.get(s, '')
            else:
                new.pop(s, None)
    else:
        after = list_anchors(module)
        live_after = live(after)
        wrong = [s for s in named if (s in live_after) != present]
        if wrong:
            module.fail_json(msg='after trustfix %s, the live store still %s '
                             '%s' % ('import' if present else 'remove',
                                     'lacks' if present else 'has',
                                     ', '.join(wrong)), anchors=anchors)
        new = shown(after, named)
    repaired = needed and not by_trustfix
    if repaired:
        module.warn('the live store did not match state=%s for %s although '
                    'trustfix had nothing to change: an earlier change was '
                    'left half-done; %s' % (p['state'], ', '.join(named),
                                            'it would be completed'
                                            if module.check_mode else
                                            'completed now'))
    result = dict(changed=by_trustfix or needed, anchors=anchors,
                  store=answer.get('store', {}), repaired=repaired)
    if module._diff:
        result['diff'] = dict(before=lines(old), after=lines(new),
                              before_header='trust anchors',
                              after_header='trust anchors')
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type='path'),
            content=dict(type='str'),
            url=dict(type='str'),
            expect_sha256=dict(type='str'),
            state=dict(type='str', default='present',
                       choices=['present', 'absent']),
            purpose=dict(type='list', elements='str',
                         choices=['server-auth', 'client-auth', 'email',
                                  'code-signing']),
            also=dict(type='list', elements='str',
                      choices=['java', 'nss', 'dotnet', 'all']),
            label=dict(type='str'),
            force=dict(type='bool', default=False),
            store=dict(type='str'),
            url_timeout=dict(type='int', default=10),
            validate_certs=dict(type='bool', default=True),
            trustfix_path=dict(type='path'),
        ),
        mutually_exclusive=[('src', 'content', 'url')],
        required_one_of=[('src', 'content', 'url', 'expect_sha256')],
        required_if=[('state', 'present', ('src', 'content', 'url'), True)],
        required_by={'url': 'expect_sha256'},
        supports_check_mode=True,
    )
    run(module)


if __name__ == '__main__':
    main()
