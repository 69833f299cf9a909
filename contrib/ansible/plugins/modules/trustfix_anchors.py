#!/usr/bin/python
# -*- coding: utf-8 -*-
# trustfix_anchors.py - facts: the anchors a managed host's trust store holds.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: trustfix_anchors
short_description: Gather the trust anchors of a host as facts, from trustfix
version_added: "0.1.0"
description:
  - Runs C(trustfix list --json) on the managed host and sets the facts
    C(trustfix_anchors) (the anchors, as trustfix reports them) and
    C(trustfix_store) (the backend and its location).
  - What is listed is what p11-kit's trust module sees in the live store,
    each anchor marked C(trustfix) when trustfix imported it.
requirements:
  - trustfix on the managed host.
options:
  all:
    description:
      - Also list the distribution's own anchors (C(--all)), not only the
        ones trustfix imported.
    type: bool
    default: false
  store:
    description:
      - The store to list (C(--store)).
    type: str
  trustfix_path:
    description:
      - The trustfix program on the managed host.
    type: path
notes:
  - Supports check mode.
seealso:
  - module: trustfix.trust.trustfix_anchor
  - name: trustfix-list(1)
    description: The fields of each anchor.
    link: https://manpages.debian.org/trustfix-list
author:
  - trustfix maintainers
'''

EXAMPLES = r'''
- name: What each router trusts beyond the distribution
  trustfix.trust.trustfix_anchors:

- name: Hosts that still trust the retired root
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} still trusts the old root"
  when: >-
    '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0'
    in ansible_facts.trustfix_anchors | map(attribute='sha256')
'''

RETURN = r'''
ansible_facts:
  description: The facts set.
  returned: always
  type: complex
  contains:
    trustfix_anchors:
      description:
        - The anchors, each with C(sha256), C(subject), C(issuer),
          C(not_after), C(days_left), C(trustfix), C(distribution),
          C(distrusted), C(purposes) and C(label) among other fields.
      type: list
      elements: dict
    trustfix_store:
      description: The backend and its location.
      type: dict
      sample:
        backend: ca-certificates
        location: /usr/local/share/ca-certificates
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.trustfix.trust.plugins.module_utils.trustfix import (
    list_anchors)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            all=dict(type='bool', default=False),
            store=dict(type='str'),
            trustfix_path=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    doc = list_anchors(module, everything=module.params['all'])
    module.exit_json(changed=False, ansible_facts=dict(
        trustfix_anchors=doc.get('anchors', []),
        trustfix_store=doc.get('store', {})))


if __name__ == '__main__':
    main()
