#!/usr/bin/python
# -*- coding: utf-8 -*-
# trustfix_diagnose.py - whether a host's clients trust a server, why not.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: trustfix_diagnose
short_description: Ask trustfix whether this host's TLS clients trust a server
version_added: "0.1.0"
description:
  - Runs C(trustfix diagnose TARGET --json) on the managed host, so that a
    play over the router hosts shows which of them still reject a server
    (a missing enterprise root, a name mismatch, a missing intermediate...),
    each with trustfix's findings and fixes.
  - An information module; it changes nothing and is never C(changed). An
    untrusted verdict is a result, not a failure, unless
    C(fail_if_untrusted) is set.
requirements:
  - trustfix on the managed host.
options:
  target:
    description:
      - The server as trustfix takes it, for example
        C(https://crm.contoso.test), C(smtp://mail.contoso.test:587),
        C(ldaps://dc1.contoso.test) or C(host:port); or a file on the
        managed host.
    type: str
    required: true
  name:
    description:
      - The name the client asks for (default the target's host).
    type: str
  connect:
    description:
      - Dial this address (C(ADDR[:PORT])) instead of the target's host.
    type: str
  sni:
    description:
      - Send this name in SNI.
    type: str
  trust:
    description:
      - Trust only these anchor files or directories on the managed host
        instead of the host's store.
    type: list
    elements: path
  store:
    description:
      - The trust store to judge with (C(--store)).
    type: str
  client:
    description:
      - The clients the verdict is for (C(--client)), for example
        C([openssl]) for a Postfix or curl router, C([dotnet]) for the CRM
        E-mail Router, C([java]), C([gnutls]) for Exim, or C([all]).
        The default is trustfix's (C(openssl) and C(dotnet), or
        C(TRUSTFIX_CLIENTS)). Every client's own view is in C(clients)
        whatever is chosen.
    type: list
    elements: str
  no_aia:
    description:
      - Do not fetch missing issuers from AIA URLs.
    type: bool
    default: false
  aia_allow_private:
    description:
      - Allow AIA, OCSP and CRL downloads from loopback and private
        addresses (an internal PKI's CertEnroll site).
    type: bool
    default: false
  check_revocation:
    description:
      - Ask OCSP responders and CRL servers.
    type: bool
    default: false
  timeout:
    description:
      - Seconds allowed for the network (C(--timeout)).
    type: int
    default: 10
  fail_if_untrusted:
    description:
      - Fail the task when the verdict is not C(trusted) or the server
        could not be reached.
    type: bool
    default: false
  trustfix_path:
    description:
      - The trustfix program on the managed host.
    type: path
notes:
  - Supports check mode (it changes nothing in any mode).
seealso:
  - module: trustfix.trust.trustfix_anchor
  - name: trustfix-diagnose(1)
    description: The finding ids and the document's fields.
    link: https://manpages.debian.org/trustfix-diagnose
author:
  - trustfix maintainers
'''

EXAMPLES = r'''
- name: Which routers still reject the CRM server?
  trustfix.trust.trustfix_diagnose:
    target: https://crm.contoso.test
  register: crm

- name: List them with the first reason
  ansible.builtin.debug:
    msg: "{{ crm.findings | map(attribute='summary') | first }}"
  when: not crm.trusted

- name: Fail the play where the mail relay is not trusted
  trustfix.trust.trustfix_diagnose:
    target: smtp://relay.contoso.test:587
    fail_if_untrusted: true
'''

RETURN = r'''
trusted:
  description: Whether the verdict is C(trusted).
  returned: always
  type: bool
reachable:
  description: False when no certificate could be obtained (trustfix's exit 3).
  returned: always
  type: bool
verdict:
  description: C(trusted) or C(untrusted).
  returned: always
  type: str
deployment:
  description: C(self-signed), C(windows-pki), C(public-ca) or C(private-ca).
  returned: when a certificate was received
  type: str
findings:
  description: Each problem with its id, severity, summary, detail and fix.
  returned: always
  type: list
  elements: dict
chain:
  description: The certificates of the path as built, leaf first.
  returned: always
  type: list
  elements: dict
clients:
  description: Each client profile's view (C(openssl), C(dotnet), ...).
  returned: always
  type: dict
target:
  description: The target as trustfix parsed it.
  returned: always
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.trustfix.trust.plugins.module_utils.trustfix import (
    run_json, store_args)

NO_CERTIFICATE = 3


def main():
    module = AnsibleModule(
        argument_spec=dict(
            target=dict(type='str', required=True),
            name=dict(type='str'),
            connect=dict(type='str'),
            sni=dict(type='str'),
            trust=dict(type='list', elements='path'),
            store=dict(type='str'),
            client=dict(type='list', elements='str'),
            no_aia=dict(type='bool', default=False),
            aia_allow_private=dict(type='bool', default=False),
            check_revocation=dict(type='bool', default=False),
            timeout=dict(type='int', default=10),
            fail_if_untrusted=dict(type='bool', default=False),
            trustfix_path=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    argv = ['diagnose', '--json', '--timeout', str(p['timeout'])]
    argv += store_args(module)
    for opt in ('name', 'connect', 'sni'):
        if p[opt]:
            argv += ['--' + opt, p[opt]]
    for t in p['trust'] or []:
        argv += ['--trust', t]
    if p['client']:
        argv += ['--client', ','.join(p['client'])]
    if p['no_aia']:
        argv.append('--no-aia')
    if p['aia_allow_private']:
        argv.append('--aia-allow-private')
    if p['check_revocation']:
        argv.append('--check-revocation')
    rc, doc, err = run_json(module, argv + ['--', p['target']],
                            ok_codes=(0, 1, NO_CERTIFICATE))
    result = dict(changed=False, trusted=doc.get('verdict') == 'trusted',
                  reachable=rc != NO_CERTIFICATE)
    for key in ('verdict', 'deployment', 'findings', 'chain', 'clients',
                'target', 'suggested_names'):
        if key in doc:
            result[key] = doc[key]
    if p['fail_if_untrusted'] and not result['trusted']:
        errors = [f.get('summary', f.get('id')) for f in doc.get('findings',
                                                                   [])
                  if f.get('severity') == 'error']
        module.fail_json(msg='%s is not trusted here: %s' %
                         (p['target'], '; '.join(errors) or 'untrusted'),
                         **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
