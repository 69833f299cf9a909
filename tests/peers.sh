# peers.sh - real and hostile servers on loopback, started by the tests.
# Source it after lib.sh:  . "$TOP_SRCDIR/tests/peers.sh"
#
# Every start_* function picks free ports, writes its configuration and
# logs under $T, records its PID with t_own (so that the test's cleanup
# kills it), and returns once the ports accept connections.  It returns 0
# when the peer runs, 1 when it failed to start, 2 when it cannot run here
# (program not installed, needs root); PEER_ERROR then says why and the
# peer's log is printed as TAP comments.  `peer start_x ARGS...` does the
# same, but turns 2 into skip_all and 1 into "Bail out!".
#
#   pki_with_aia [DIR]        an http server for DIR/aia (default $T/pki),
#                             then tests/pki.sh DIR with AIA_BASE pointing
#                             at it -> PKI (the directory), AIA_BASE,
#                             AIA_PORT (and HTTP_PORT)
#   start_s_server CHAIN KEY [s_server args...]
#                             openssl s_server -www presenting CHAIN (leaf
#                             first, then what else the server sends)
#                             -> S_SERVER_PORT, S_SERVER_PID
#   start_nginx CHAIN KEY     nginx with TLS -> NGINX_PORT (https)
#   (both listen on PEER_ADDR when set, e.g. PEER_ADDR=::1, else 127.0.0.1)
#   start_dovecot CHAIN KEY   Dovecot -> IMAP_PORT (STARTTLS), IMAPS_PORT,
#                             POP3_PORT (STLS), POP3S_PORT
#   start_postfix CHAIN KEY   a private Postfix instance (root only) ->
#                             SMTP_PORT (STARTTLS), SUBMISSION_PORT
#                             (STARTTLS required), SMTPS_PORT (implicit TLS),
#                             POSTFIX_DIR (etc/, queue/, maillog),
#                             POSTFIX_PID; with POSTFIX_CHAIN_FILES=1 the
#                             key and CHAIN go to smtpd_tls_chain_files;
#                             POSTFIX_MAIN_EXTRA and POSTFIX_MASTER_EXTRA
#                             are appended to its main.cf and master.cf
#   start_slapd SUFFIX LDIF   OpenLDAP's slapd with its own configuration
#                             and database (core schema, anonymous read),
#                             loaded from LDIF -> LDAP_PORT, LDAP_URL,
#                             SLAPD_LOG (connections and operations);
#                             on PEER_ADDR, port SLAPD_PORT when set
#   start_http DIR            static files of DIR over http -> HTTP_PORT
#   start_hostile_http MODE [ARG]
#                             slow | huge | huge-length | wrong |
#                             redirect-loop | redirect-scheme [URL]
#                             -> HOSTILE_HTTP_PORT and HTTP_PORT
#   start_hostile MODE [ARG]  silent | garbage | smtp-refuse | imap-refuse |
#                             pop3-refuse | starttls-close [smtp|imap|pop3] |
#                             starttls-inject [smtp|imap|pop3] |
#                             drip | huge-chain [COUNT (500)] -> HOSTILE_PORT
#
# Hostile peers exit by themselves after HOSTILE_LIFETIME seconds (60).
# See tests/hostile.py for what each mode does.

PEER_ERROR=""
PEERS_N=0
# The distribution's python starts faster than a version manager's shim.
PEER_PYTHON=python3
[ -x /usr/bin/python3 ] && PEER_PYTHON=/usr/bin/python3
: "${HOSTILE_LIFETIME:=60}"
export HOSTILE_LIFETIME

# peer_dir NAME: a fresh directory $T/NAME-N for one peer; sets PEER_DIR.
peer_dir() {
	PEERS_N=$((PEERS_N + 1))
	PEER_DIR=$T/$1-$PEERS_N
	mkdir -p "$PEER_DIR"
}

# peer_fail RC MESSAGE [LOG...]: record why, show the logs, return RC.
peer_fail() {
	local rc=$1 f
	PEER_ERROR=$2
	shift 2
	echo "# $PEER_ERROR"
	for f in "$@"; do
		[ -f "$f" ] && tail -n 20 "$f" | sed 's/^/#   /'
	done
	return "$rc"
}

# peer_accepts ADDR PORT: something listens on ADDR (127.0.0.1, ::1) PORT.
peer_accepts() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# peer_wait PID LOG PORT...: wait until each PORT accepts, on
# PEER_WAIT_ADDR (default 127.0.0.1), while PID lives.
peer_wait() {
	local pid=$1 log=$2 p i up
	shift 2
	for p in "$@"; do
		up=1
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			peer_accepts "${PEER_WAIT_ADDR:-127.0.0.1}" "$p" &&
			    { up=0; break; }
			sleep 0.1
		done
		if [ $up -ne 0 ] || ! kill -0 "$pid" 2>/dev/null; then
			peer_fail 1 "peer (pid $pid) does not listen on $p" "$log"
			return 1
		fi
	done
}

# peer_hostport PORT: PEER_ADDR:PORT, IPv6 addresses in brackets.
peer_hostport() {
	case ${PEER_ADDR:-127.0.0.1} in
	*:*)	echo "[$PEER_ADDR]:$1" ;;
	*)	echo "${PEER_ADDR:-127.0.0.1}:$1" ;;
	esac
}

# peer_ports N: N distinct free ports on loopback, one per line.
peer_ports() {
	"$PEER_PYTHON" -c 'import socket, sys
s = [socket.socket() for i in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print("\n".join(str(x.getsockname()[1]) for x in s))' "$1"
}

# peer_need PROGRAM...: return 2 unless each program is installed.
peer_need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || [ -x "$p" ] ||
		    [ -x "/usr/sbin/$p" ] || {
			peer_fail 2 "$p is not installed"
			return 2
		}
	done
}

# peer START-FUNCTION ARGS...: start a peer or end the test trying.
peer() {
	"$@"
	case $? in
	0)	return 0 ;;
	2)	skip_all "$PEER_ERROR" ;;
	*)	echo "Bail out! $1: $PEER_ERROR"
		T_FAILED=$((T_FAILED + 1))
		exit 1 ;;
	esac
}

# peer_open_tree: as root, let the daemons' unprivileged users reach
# files below $T (mktemp makes it 0700).
peer_open_tree() {
	[ "$(id -u)" = 0 ] && chmod 711 "$T"
	return 0
}

pki_with_aia() {
	local dir=${1:-$T/pki}
	mkdir -p "$dir/aia" || return 1
	start_http "$dir/aia" || return $?
	AIA_PORT=$HTTP_PORT
	AIA_BASE=http://127.0.0.1:$AIA_PORT
	PKI=$dir
	AIA_BASE=$AIA_BASE "$TOP_SRCDIR/tests/pki.sh" "$dir" ||
	    peer_fail 1 "tests/pki.sh failed"
}

# split_chain CHAIN DIR: DIR/leaf.pem (first certificate) and DIR/rest.pem.
split_chain() {
	awk -v d="$2" '
		/-----BEGIN CERTIFICATE-----/ { n++ }
		n == 1 { print > (d "/leaf.pem") }
		n > 1 { print > (d "/rest.pem") }' "$1"
	[ -s "$2/leaf.pem" ]
}

start_s_server() {
	local chain=$1 key=$2 port pid d
	shift 2
	peer_need openssl || return
	peer_dir s_server
	d=$PEER_DIR
	split_chain "$chain" "$d" ||
	    { peer_fail 1 "no certificate in $chain"; return; }
	port=$(peer_ports 1)
	set -- -accept "$(peer_hostport "$port")" -cert "$d/leaf.pem" \
	    -key "$key" \
	    -www "$@"
	[ -s "$d/rest.pem" ] && set -- "$@" -cert_chain "$d/rest.pem"
	openssl s_server "$@" </dev/null >"$d/log" 2>&1 &
	pid=$!
	t_own $pid
	PEER_WAIT_ADDR=${PEER_ADDR:-127.0.0.1} peer_wait $pid "$d/log" "$port" ||
	    return 1
	S_SERVER_PORT=$port
	S_SERVER_PID=$pid
}

start_nginx() {
	local chain=$1 key=$2 port pid d user=""
	peer_need nginx || return
	peer_dir nginx
	d=$PEER_DIR
	mkdir -p "$d/tmp" "$d/logs"
	port=$(peer_ports 1)
	[ "$(id -u)" = 0 ] && user="user root;"
	cat >"$d/nginx.conf" <<EOF
$user
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	server {
		listen $(peer_hostport "$port") ssl;
		server_name _;
		ssl_certificate $chain;
		ssl_certificate_key $key;
		location / {
			default_type text/plain;
			return 200 "trustfix test peer\n";
		}
	}
}
EOF
	nginx -p "$d" -e "$d/logs/error.log" -c "$d/nginx.conf" \
	    -g 'daemon off;' >"$d/logs/stdout" 2>&1 &
	pid=$!
	t_own $pid
	PEER_WAIT_ADDR=${PEER_ADDR:-127.0.0.1} \
	    peer_wait $pid "$d/logs/error.log" "$port" || return 1
	NGINX_PORT=$port
}

start_dovecot() {
	local chain=$1 key=$2 pid d iuser luser chroot=""
	peer_need dovecot || return
	peer_dir dovecot
	d=$PEER_DIR
	mkdir -p "$d/run" "$d/state"
	if [ "$(id -u)" = 0 ]; then
		peer_open_tree
		iuser=dovecot
		luser=dovenull
	else
		iuser=$(id -un)
		luser=$iuser
		chroot="chroot ="
	fi
	: >"$d/users"
	set -- $(peer_ports 4)
	IMAP_PORT=$1
	IMAPS_PORT=$2
	POP3_PORT=$3
	POP3S_PORT=$4
	cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
instance_name = trustfix-test-$$-$PEERS_N
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = $iuser
default_internal_group = $(id -gn "$iuser")
default_login_user = $luser
ssl = yes
ssl_cert = <$chain
ssl_key = <$key
mail_location = mbox:$d/mail
passdb {
	driver = passwd-file
	args = $d/users
}
userdb {
	driver = passwd-file
	args = $d/users
}
service imap-login {
	$chroot
	inet_listener imap {
		address = 127.0.0.1
		port = $IMAP_PORT
	}
	inet_listener imaps {
		address = 127.0.0.1
		port = $IMAPS_PORT
		ssl = yes
	}
}
service pop3-login {
	$chroot
	inet_listener pop3 {
		address = 127.0.0.1
		port = $POP3_PORT
	}
	inet_listener pop3s {
		address = 127.0.0.1
		port = $POP3S_PORT
		ssl = yes
	}
}
EOF
	if [ "$(id -u)" != 0 ]; then
		cat >>"$d/dovecot.conf" <<EOF
service anvil {
	chroot =
}
service imap-login {
	user = $luser
}
EOF
	fi
	dovecot -F -c "$d/dovecot.conf" >"$d/stdout" 2>&1 &
	pid=$!
	t_own $pid
	peer_wait $pid "$d/dovecot.log" $IMAP_PORT $IMAPS_PORT $POP3_PORT \
	    $POP3S_PORT || { tail -n 5 "$d/stdout" | sed 's/^/#   /'; return 1; }
}

start_postfix() {
	local chain=$1 key=$2 pid d q sbin=/usr/lib/postfix/sbin tls line
	peer_need postconf "$sbin/master" || return
	if [ "$(id -u)" != 0 ]; then
		peer_fail 2 "postfix runs only as root"
		return 2
	fi
	peer_dir postfix
	d=$PEER_DIR
	peer_open_tree
	mkdir -p "$d/etc" "$d/queue/pid" "$d/queue/private" \
	    "$d/queue/public" "$d/data"
	chown postfix "$d/queue/private" "$d/queue/public" "$d/data"
	# The queue itself, for instances that take mail (POSTFIX_*_EXTRA).
	for q in incoming active deferred defer bounce flush hold corrupt \
	    trace saved; do
		mkdir -p "$d/queue/$q"
		chown postfix "$d/queue/$q"
		chmod 700 "$d/queue/$q"
	done
	mkdir -p "$d/queue/maildrop"
	chown postfix:postdrop "$d/queue/maildrop"
	chmod 730 "$d/queue/maildrop"
	chgrp postdrop "$d/queue/public"
	chmod 700 "$d/queue/private"
	chmod 710 "$d/queue/public"
	if [ -n "${POSTFIX_CHAIN_FILES:-}" ]; then
		tls="smtpd_tls_chain_files = $key, $chain"
	else
		tls="smtpd_tls_cert_file = $chain
smtpd_tls_key_file = $key"
	fi
	set -- $(peer_ports 3)
	SMTP_PORT=$1
	SUBMISSION_PORT=$2
	SMTPS_PORT=$3
	cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $d/etc
queue_directory = $d/queue
data_directory = $d/data
command_directory = /usr/sbin
daemon_directory = $sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
multi_instance_enable = no
multi_instance_name = trustfix-test
syslog_name = postfix-trustfix-test
maillog_file = /dev/stdout
myhostname = mail.contoso.test
mydomain = contoso.test
myorigin = contoso.test
mydestination =
relayhost =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps =
relay_recipient_maps =
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
$tls
smtpd_tls_security_level = may
smtpd_tls_session_cache_database =
smtp_tls_session_cache_database =
EOF
	cat >"$d/etc/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
127.0.0.1:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix-trustfix-test/submission
  -o smtpd_tls_security_level=encrypt
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix-trustfix-test/smtps
  -o smtpd_tls_wrappermode=yes
tlsmgr unix - - n 1000? 1 tlsmgr
anvil unix - - n - 1 anvil
rewrite unix - - n - - trivial-rewrite
cleanup unix n - n - 0 cleanup
proxymap unix - - n - - proxymap
postlog unix-dgram n - n - 1 postlogd
EOF
	# Set in place, not appended: a duplicate makes every Postfix process
	# log a warning, and with net.unix.max_dgram_qlen at 10 (as on this
	# project's machines) postlogd blocks on its own startup warnings
	# once the queue is full, and with it every process that logs.
	while IFS= read -r line; do
		[ -z "$line" ] || postconf -c "$d/etc" -e "$line" ||
		    { peer_fail 1 "postconf refused: $line"; return; }
	done <<<"${POSTFIX_MAIN_EXTRA:-}"
	printf '%s\n' "${POSTFIX_MASTER_EXTRA:-}" >>"$d/etc/master.cf"
	# Postfix waits until a configuration file is a second old.
	touch -d '-1 minute' "$d/etc/main.cf" "$d/etc/master.cf"
	# -d: stay in the foreground, so that our PID is the master's; -s:
	# keep stdout, where maillog_file sends the log.
	MAIL_CONFIG=$d/etc "$sbin/master" -c "$d/etc" -d -s >"$d/maillog" 2>&1 &
	pid=$!
	t_own $pid
	POSTFIX_DIR=$d
	POSTFIX_PID=$pid
	peer_wait $pid "$d/maillog" $SMTP_PORT $SUBMISSION_PORT $SMTPS_PORT
}

start_slapd() {
	local suffix=$1 ldif=$2 pid d sbin=/usr/sbin
	local addr=${PEER_ADDR:-127.0.0.1}
	peer_need "$sbin/slapd" "$sbin/slapadd" || return
	peer_dir slapd
	d=$PEER_DIR
	mkdir -p "$d/db"
	cat >"$d/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $d/slapd.pid
database mdb
suffix "$suffix"
directory $d/db
maxsize 67108864
EOF
	"$sbin/slapadd" -f "$d/slapd.conf" -l "$ldif" >"$d/slapadd.log" 2>&1 ||
	    { peer_fail 1 "slapadd refused the LDIF" "$d/slapadd.log"; return; }
	LDAP_PORT=${SLAPD_PORT:-$(peer_ports 1)}
	LDAP_URL=ldap://$addr:$LDAP_PORT
	SLAPD_LOG=$d/slapd.log
	# -d stats: stay in the foreground (our PID), log each operation.
	"$sbin/slapd" -f "$d/slapd.conf" -h "$LDAP_URL/" -d stats \
	    >"$SLAPD_LOG" 2>&1 &
	pid=$!
	t_own $pid
	PEER_WAIT_ADDR=$addr peer_wait $pid "$SLAPD_LOG" "$LDAP_PORT"
}

start_http() {
	local dir=$1 port pid d
	peer_need "$PEER_PYTHON" || return
	peer_dir http
	d=$PEER_DIR
	port=$(peer_ports 1)
	"$PEER_PYTHON" -m http.server --bind 127.0.0.1 --directory "$dir" "$port" \
	    >"$d/log" 2>&1 &
	pid=$!
	t_own $pid
	peer_wait $pid "$d/log" "$port" || return 1
	HTTP_PORT=$port
}

start_hostile_http() {
	start_py_hostile "http-$1" "${2:-}" || return
	HOSTILE_HTTP_PORT=$HOSTILE_PORT
	HTTP_PORT=$HOSTILE_PORT
}

start_hostile() {
	case $1 in
	huge-chain)	start_huge_chain "${2:-500}" ;;
	*)		start_py_hostile "$1" "${2:-}" ;;
	esac
}

# start_py_hostile MODE ARG: tests/hostile.py -> HOSTILE_PORT.
start_py_hostile() {
	local port pid d
	peer_need "$PEER_PYTHON" || return
	peer_dir "hostile-$1"
	d=$PEER_DIR
	port=$(peer_ports 1)
	"$PEER_PYTHON" "$TOP_SRCDIR/tests/hostile.py" "$1" "$port" ${2:+"$2"} \
	    >"$d/log" 2>&1 &
	pid=$!
	t_own $pid
	peer_wait $pid "$d/log" "$port" || return 1
	HOSTILE_PORT=$port
}

# start_huge_chain COUNT: a TLS server sending its certificate followed
# by COUNT more -> HOSTILE_PORT.  Generates its own key and certificates.
start_huge_chain() {
	local n=$1 d port pid i
	peer_need openssl timeout || return
	peer_dir hostile-huge-chain
	d=$PEER_DIR
	OPENSSL_CONF=/dev/null openssl req -x509 -newkey ec \
	    -pkeyopt ec_paramgen_curve:P-256 -noenc -keyout "$d/key.pem" \
	    -out "$d/leaf.pem" -subj /CN=huge.example.test -days 2 \
	    -addext subjectAltName=DNS:huge.example.test 2>"$d/log" ||
	    { peer_fail 1 "cannot make a certificate" "$d/log"; return; }
	for i in 1 2 3 4; do
		OPENSSL_CONF=/dev/null openssl req -x509 -key "$d/key.pem" \
		    -out "$d/ca$i.pem" -subj "/CN=Filler CA $i" -days 2 \
		    2>>"$d/log" || return 1
	done
	i=0
	while [ $i -lt "$n" ]; do
		cat "$d/ca$((i % 4 + 1)).pem"
		i=$((i + 1))
	done >"$d/rest.pem"
	port=$(peer_ports 1)
	timeout "$HOSTILE_LIFETIME" openssl s_server -accept "127.0.0.1:$port" \
	    -cert "$d/leaf.pem" -key "$d/key.pem" -cert_chain "$d/rest.pem" \
	    -www </dev/null >>"$d/log" 2>&1 &
	pid=$!
	t_own $pid
	peer_wait $pid "$d/log" "$port" || return 1
	HOSTILE_PORT=$port
}
