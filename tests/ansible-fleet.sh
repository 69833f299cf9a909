#!/bin/bash
# ansible-fleet.sh - the trustfix.trust collection with Debian's ansible on
# bare Debian 12 roots (the .deb installed), through the chroot connection.
#
# FLEET_HOSTS=N sets the number of roots (default 5); the apply and rerun
# times are printed as comments.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
. "$TOP_SRCDIR/tests/deb-lib.sh"

[ -n "${CI:-}" ] || [ "${TRUSTFIX_DEB_TESTS:-0}" = 1 ] ||
    skip_all "makes Debian roots: set TRUSTFIX_DEB_TESTS=1 (CI does)"
deb_need
need ansible-playbook jq openssl
C=/usr/lib/python3/dist-packages/ansible_collections/community/general
[ -f "$C/plugins/connection/chroot.py" ] ||
    skip_all "community.general (the chroot connection) not installed"
N=${FLEET_HOSTS:-5}

# --- the fleet -----------------------------------------------------------
P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
ROOT=$(certfp sha256 "$P/root.pem")
start=$(date +%s)
{
	echo "[routers]"
	for i in $(seq 1 "$N"); do
		deb_root_installed "$T/hosts/h$i" || break
		cp "$P/issuing.pem" "$P/server.pem" "$T/hosts/h$i/tmp/"
		echo "h$i ansible_host=$T/hosts/h$i"
	done
	echo "[fresh]"
	echo "fresh ansible_host=$T/hosts/fresh"
	echo "[all:vars]"
	echo "ansible_connection=community.general.chroot"
	echo "ansible_python_interpreter=/usr/bin/python3"
	echo "ansible_remote_tmp=/tmp/.ansible"
} >"$T/inventory"
is "$(ls "$T/hosts" | wc -l)" "$N" "$N Debian 12 roots with the package"
echo "# made in $(($(date +%s) - start)) s"

mkdir -p "$T/collections/ansible_collections/trustfix" "$T/home"
ln -s "$TOP_SRCDIR/contrib/ansible" \
    "$T/collections/ansible_collections/trustfix/trust"
printf '[defaults]\n' >"$T/ansible.cfg"

# play PLAYBOOK ARGS...: ansible-playbook with the JSON callback -> $out.
play() {
	local pb=$1
	shift
	run env LC_ALL=C.UTF-8 HOME="$T/home" ANSIBLE_CONFIG="$T/ansible.cfg" \
	    ANSIBLE_COLLECTIONS_PATH="$T/collections" \
	    ANSIBLE_LOCAL_TEMP="$T/home/tmp" ANSIBLE_FORKS="$N" \
	    ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_NOCOLOR=1 \
	    no_proxy=127.0.0.1 NO_PROXY=127.0.0.1 \
	    ansible-playbook -i "$T/inventory" \
	    "$TOP_SRCDIR/tests/ansible/$pb" "$@"
}
# hosts_where FILTER: how many hosts' stats match FILTER.
hosts_where() {
	printf '%s' "$out" | jq "[.stats[] | select($1)] | length"
}
# In every root: does OpenSSL's default store, and p11-kit's trust module,
# trust the root?  "yes yes" per host, counted.
trusting() {
	local i n=0
	for i in $(seq 1 "$N"); do
		in_root "$T/hosts/h$i" openssl verify -untrusted /tmp/issuing.pem \
		    /tmp/server.pem >/dev/null 2>&1 &&
		    in_root "$T/hosts/h$i" trust list --filter=ca-anchors |
		    grep -q "label: Contoso Root CA$" && n=$((n + 1))
	done
	echo "$n"
}
# The files of each root's store, for "changed nothing".
store_state() {
	local i
	for i in $(seq 1 "$N"); do
		(cd "$T/hosts/h$i" && ls -a usr/local/share/ca-certificates &&
		    sha256sum etc/ssl/certs/ca-certificates.crt &&
		    ls etc/ssl/certs | sha256sum)
	done
}

peer start_s_server "$P/server-chain.pem" "$P/server.key"
SERVER=https://127.0.0.1:$S_SERVER_PORT
mkdir -p "$T/www"
cp "$P/root.pem" "$T/www/contoso-root.crt"
peer start_http "$T/www"

# --- survey before: nobody trusts the server -----------------------------
play survey.yml -e server_url="$SERVER"
is "$rc" 0 "survey: trustfix_diagnose and trustfix_anchors run everywhere"
is "$(printf '%s' "$out" | jq '[.plays[0].tasks[0].hosts[] |
    select(.trusted == false and .verdict == "untrusted")] | length')" "$N" \
    "trustfix_diagnose: no router trusts the server yet"
is "$(printf '%s' "$out" | jq '[.plays[0].tasks[0].hosts[].findings[].id |
    select(. == "untrusted-root")] | length')" "$N" \
    "each says why: untrusted-root"
is "$(printf '%s' "$out" | jq '[.plays[0].tasks[1].hosts[] |
    select(.ansible_facts.trustfix_store.backend == "ca-certificates"
    and (.ansible_facts.trustfix_anchors | length) == 0)] | length')" "$N" \
    "trustfix_anchors: ca-certificates backends, no anchor of trustfix's"

# --- check mode shows the anchor, changes nothing ------------------------
play anchor.yml -e anchor_file="$P/root.pem" --check --diff
is "$rc" 0 "--check --diff runs"
is "$(hosts_where '.changed == 1')" "$N" "check mode: would change every host"
LINE="$ROOT CN=Contoso Root CA, DC=contoso, DC=test"
is "$(printf '%s' "$out" | jq -r --arg l "$LINE" \
    '[.plays[0].tasks[0].hosts[].diff | (.after | split("\n") | index($l)
    != null) and (.before | contains($l) | not)] | all')" true \
    "the diff adds 'sha256 subject' of the root on every host"
is "$(trusting)" 0 "and no host trusts the root"

# --- apply, rerun ------------------------------------------------------
t0=$(date +%s.%N)
play anchor.yml -e anchor_file="$P/root.pem"
t1=$(date +%s.%N)
is "$rc" 0 "apply"
is "$(hosts_where '.changed == 1 and .failures == 0')" "$N" "changed on all $N"
is "$(trusting)" "$N" "OpenSSL and p11-kit trust the root on all $N"
play anchor.yml -e anchor_file="$P/root.pem"
t2=$(date +%s.%N)
is "$rc" 0 "rerun"
is "$(hosts_where '.changed == 0 and .failures == 0')" "$N" \
    "changed=0 on all $N"
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "# %d hosts: apply %.1f s, rerun %.1f s\n", n, b - a, c - b }'

play survey.yml -e server_url="$SERVER"
is "$(printf '%s' "$out" | jq '[.plays[0].tasks[0].hosts[] |
    select(.trusted)] | length')" "$N" \
    "trustfix_diagnose: every router trusts the server now"
is "$(printf '%s' "$out" | jq --arg s "$ROOT" '[.plays[0].tasks[1].hosts[] |
    select([.ansible_facts.trustfix_anchors[].sha256] == [$s])] | length')" \
    "$N" "trustfix_anchors: the root is trustfix's anchor everywhere"

# --- a refresh that fails during the removal on one host -----------------
B=$T/hosts/h2/usr/sbin
mv "$B/update-ca-certificates" "$B/update-ca-certificates.real"
printf '#!/bin/sh\necho "disk full" >&2\nexit 1\n' >"$B/update-ca-certificates"
chmod 755 "$B/update-ca-certificates"
play anchor.yml -e anchor_file="$P/root.pem" -e anchor_state=absent
mv "$B/update-ca-certificates.real" "$B/update-ca-certificates"
[ "$rc" != 0 ]
ok $? "absent with a failing refresh on h2: the play fails"
is "$(printf '%s' "$out" | jq -c '[.stats | to_entries[] |
    select(.value.failures > 0) | .key]')" '["h2"]' "on h2 only"
like "$(printf '%s' "$out" | jq -r '.plays[0].tasks[0].hosts.h2.msg')" \
    'update-ca-certificates failed: disk full' "with trustfix's reason"
is "$(hosts_where '.changed == 1')" "$((N - 1))" "the others changed"
is "$(trusting)" 1 "h2 still trusts the root (the refresh did not run)"

play anchor.yml -e anchor_file="$P/root.pem" -e anchor_state=absent \
    --check --diff
is "$(printf '%s' "$out" | jq -c '[.stats | to_entries[] |
    select(.value.changed > 0) | .key]')" '["h2"]' \
    "check mode finds the drift on h2 only"
is "$(printf '%s' "$out" | jq -r '.plays[0].tasks[0].hosts.h2.diff.before')" \
    "$LINE" "its diff shows the root still trusted there"
is "$(trusting)" 1 "check mode changed nothing"

play anchor.yml -e anchor_file="$P/root.pem" -e anchor_state=absent
is "$rc" 0 "the next run succeeds"
is "$(printf '%s' "$out" | jq -c '[.stats | to_entries[] |
    select(.value.changed > 0) | .key]')" '["h2"]' \
    "it changes h2 only, where it completes the removal"
is "$(trusting)" 0 "absent: no host trusts the root any more"
play anchor.yml -e anchor_file="$P/root.pem" -e anchor_state=absent
is "$(hosts_where '.changed == 0 and .failures == 0')" "$N" \
    "and a rerun changes nothing"

# --- a wrong fingerprint is refused everywhere --------------------------
store_state >"$T/state.before"
WRONG=$(certfp sha256 "$P/private-root.pem")
play anchor.yml -e anchor_url="http://127.0.0.1:$HTTP_PORT/contoso-root.crt" \
    -e anchor_sha256="$WRONG"
[ "$rc" != 0 ]
ok $? "url with a wrong expect_sha256: the play fails"
is "$(hosts_where '.failures == 1 and .changed == 0')" "$N" "on every host"
like "$(printf '%s' "$out" | jq -r '.plays[0].tasks[0].hosts.h1.msg')" \
    'import: ' "with trustfix's refusal"
store_state >"$T/state.after"
cmp -s "$T/state.before" "$T/state.after"
ok $? "and no store changed"
is "$(trusting)" 0 "no host trusts the root"

upper=$(printf '%s' "$ROOT" | tr a-f A-F | sed 's/../&:/g; s/:$//')
play anchor.yml -e anchor_url="http://127.0.0.1:$HTTP_PORT/contoso-root.crt" \
    -e anchor_sha256="$upper"
is "$rc" 0 "url with the right fingerprint (upper case, colons)"
is "$(hosts_where '.changed == 1')" "$N" "imports on every host"
is "$(trusting)" "$N" "every host trusts the root"
play anchor.yml -e anchor_sha256="$ROOT" -e anchor_state=absent
is "$(hosts_where '.changed == 1')" "$N" "absent by fingerprint alone"
is "$(trusting)" 0 "removes it everywhere"

# --- the role installs the package on a bare root ------------------------
if deb_root "$T/hosts/fresh"; then
	play install.yml -e deb="$DEB"
	is "$rc" 0 "the install role on a bare Debian 12 root"
	run in_root "$T/hosts/fresh" trustfix --version
	like "$out" "^trustfix " "trustfix runs there"
else
	ok 1 "a bare Debian 12 root for the role"
fi

echo "# ansible-fleet.sh took $(($(date +%s) - start)) s"
done_testing
