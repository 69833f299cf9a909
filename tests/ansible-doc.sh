#!/bin/bash
# ansible-doc.sh - the trustfix.trust collection: ansible-doc renders its
# modules, and trustfix_anchor converges a private store (--store DIR) on
# this host, with check and diff modes, unprivileged.
. "$TOP_SRCDIR/tests/lib.sh"
need ansible-doc ansible-playbook jq

mkdir -p "$T/collections/ansible_collections/trustfix" "$T/home"
ln -s "$TOP_SRCDIR/contrib/ansible" \
    "$T/collections/ansible_collections/trustfix/trust"
printf '[defaults]\n' >"$T/ansible.cfg"
ans() {
	run env LC_ALL=C.UTF-8 HOME="$T/home" ANSIBLE_CONFIG="$T/ansible.cfg" \
	    ANSIBLE_COLLECTIONS_PATH="$T/collections" \
	    ANSIBLE_LOCAL_TEMP="$T/home/tmp" ANSIBLE_NOCOLOR=1 "$@"
}

ans ansible-doc -l trustfix.trust
is "$rc" 0 "ansible-doc -l trustfix.trust"
is "$(printf '%s\n' "$out" | awk '{ sub(/^trustfix\.trust\./, "", $1);
    print $1 }' | sort | tr '\n' ' ')" \
    "trustfix_anchor trustfix_anchors trustfix_diagnose " \
    "lists the three modules"
for m in trustfix_anchor trustfix_anchors trustfix_diagnose; do
	ans ansible-doc "trustfix.trust.$m"
	is "$rc" 0 "ansible-doc trustfix.trust.$m renders"
	like "$out" "^> TRUSTFIX.TRUST.$(echo "$m" | tr a-z A-Z) " "with its title"
	like "$out" "^EXAMPLES:" "and its examples"
	like "$out" "^RETURN VALUES:" "and its return values"
done
ans ansible-doc trustfix.trust.trustfix_anchor
for o in src content url expect_sha256 state purpose also; do
	like "$out" "^[-=] $o\$" "trustfix_anchor documents $o"
done
ans ansible-doc --json trustfix.trust.trustfix_anchor
jq_is '.["trustfix.trust.trustfix_anchor"].doc.options.state.choices |
    join(",")' \
    present,absent "state: present or absent"

# --- the module against a private store on localhost --------------------
P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
ROOT=$(certfp sha256 "$P/root.pem")
S=$T/store
cat >"$T/play.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - trustfix.trust.trustfix_anchor:
        src: "{{ src | default(omit) }}"
        expect_sha256: "{{ sha | default(omit) }}"
        state: "{{ state | default('present') }}"
        store: $S
        trustfix_path: $TRUSTFIX
EOF
play() {
	ans env ANSIBLE_STDOUT_CALLBACK=json ansible-playbook -c local \
	    -i localhost, -e ansible_python_interpreter=/usr/bin/python3 \
	    "$T/play.yml" "$@"
}
task() {
	printf '%s' "$out" | jq -r ".plays[0].tasks[0].hosts.localhost$1"
}
LINE="$ROOT CN=Contoso Root CA, DC=contoso, DC=test"

play -e src="$P/root.pem" --check --diff
is "$rc" 0 "check mode runs"
is "$(task .changed)" true "it would change the store"
is "$(task .diff.after)" "$LINE" "the diff shows 'sha256 subject' after"
is "$(task .diff.before)" "" "and nothing before"
[ ! -e "$S" ]
ok $? "check mode changed nothing (made no store)"

play -e src="$P/root.pem"
is "$(task .changed)" true "present: changed"
is "$(task '.anchors[0].sha256')" "$ROOT" "trustfix's answer names the root"
tf list --store "$S" --json
jq_is '[.anchors[].sha256] | join(",")' "$ROOT" "the store has it"
play -e src="$P/root.pem" --diff
is "$(task .changed)" false "rerun: not changed"
is "$(task .diff.before)" "$LINE" "the diff is the same before"
is "$(task .diff.after)" "$LINE" "and after"

play -e src="$P/server.pem" -e sha="$ROOT"
is "$(task .failed)" true "a wrong expect_sha256 fails"
like "$(task .msg)" "import: " "with trustfix's message"
tf list --store "$S" --json
jq_is '[.anchors[].sha256] | join(",")' "$ROOT" "and changes nothing"

play -e src="$P/issuing.pem" -e sha="$ROOT" -e state=absent
is "$(task .failed)" true "absent: a file with another fingerprint fails"
tf list --store "$S" --json
jq_is '[.anchors[].sha256] | join(",")' "$ROOT" "and removes nothing"

play -e sha="$ROOT" -e state=absent --check --diff
is "$(task .changed)" true "absent by fingerprint, check mode: would change"
is "$(task .diff.before)/$(task .diff.after)" "$LINE/" "the diff drops the line"
play -e sha="$ROOT" -e state=absent
is "$(task .changed)" true "absent: changed"
tf list --store "$S" --json
jq_is '.anchors | length' 0 "the store is empty again"
play -e sha="$ROOT" -e state=absent
is "$(task .changed)" false "absent again: not changed"

# --- trustfix_diagnose: the verdict for the clients named ---------------
cat >"$T/diag.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - trustfix.trust.trustfix_diagnose:
        target: $P/nosan-chain.pem
        name: mail.contoso.test
        trust: [$P/root.pem]
        client: "{{ client }}"
        trustfix_path: $TRUSTFIX
EOF
diag() {
	ans env ANSIBLE_STDOUT_CALLBACK=json ansible-playbook -c local \
	    -i localhost, -e ansible_python_interpreter=/usr/bin/python3 \
	    "$T/diag.yml" "$@"
}
# A certificate with its name only in the CN: OpenSSL accepts it, Go not.
diag -e '{"client": ["openssl"]}'
is "$(task .verdict)/$(task .trusted)" trusted/true \
    "trustfix_diagnose client [openssl]: a CN-only name is trusted"
diag -e '{"client": ["go"]}'
is "$(task .verdict)/$(task .trusted)" untrusted/false \
    "client [go]: untrusted, as Go rejects it"
is "$(task '.clients.openssl.trusted')" true \
    "and every client's own view is still there"

done_testing
