/* target.h - TARGET strings: protocol, host, port, SNI, connect address. */
#ifndef TRUSTFIX_TARGET_H
#define TRUSTFIX_TARGET_H

enum target_proto {
	PROTO_FILE,		/* a path to a file */
	PROTO_TLS,		/* host[:port]: plain TLS, port 443 */
	PROTO_HTTPS,
	PROTO_IMAPS,
	PROTO_POP3S,
	PROTO_SMTPS,
	PROTO_LDAPS,
	PROTO_SMTP,		/* EHLO, STARTTLS */
	PROTO_IMAP,		/* STARTTLS */
	PROTO_POP3		/* STLS */
};

/* How far an attempt to reach a network TARGET got. */
enum target_reach {
	REACH_NOTHING,		/* the name did not resolve */
	REACH_RESOLVED,		/* no address took the connection */
	REACH_CONNECTED,	/* connected; the STARTTLS dialogue failed */
	REACH_TLS		/* the TLS handshake began */
};

struct target {
	char		*input;		/* as the user gave it */
	enum target_proto proto;
	char		*host;		/* URL host, no brackets; file: NULL */
	unsigned	 port;
	char		*path;		/* PROTO_FILE's path, or the URL's */
	char		*sni;		/* name sent in SNI; NULL: none */
	char		*name;		/* name to check: host or --name */
	char		*connect_host;	/* where to dial (--connect or host) */
	unsigned	 connect_port;
};

/*
 * Parse input into t.  sni and connect may be NULL (--sni, --connect).
 * A string is a file when it names an existing path, or has no scheme
 * and contains a '/', or has no ':' and ends in a certificate or archive
 * file's ending (.pem, .crt, .cer, .der, .p7b, .p7c, .p12, .pfx, .tar,
 * .tgz, .gz: no top-level domain is named so).  "smtp//host" is refused
 * with "did you mean smtp://host".  Returns 0, or -1 after reporting a
 * usage error.
 */
int	target_parse(const char *input, const char *sni, const char *connect,
	    struct target *t);
void	target_clear(struct target *t);

/* "https", "smtp", ..., "file". */
const char *target_proto_name(enum target_proto);
int	target_is_network(const struct target *t);
/* 1 if s is an IPv4 or IPv6 address literal (no brackets). */
int	target_is_ip(const char *s);

#endif
