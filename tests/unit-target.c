/* unit-target.c - TARGET parsing from a table of inputs and expectations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target.h"
#include "tap.h"

#define ERR	"error"

struct row {
	const char	*input;
	const char	*sni;		/* --sni */
	const char	*connect;	/* --connect */
	const char	*proto;		/* or ERR */
	const char	*host;
	unsigned	 port;
	const char	*connect_to;	/* "host port" */
	const char	*want_sni;
	const char	*name;
};

static const struct row rows[] = {
	{ "https://mail.contoso.test", NULL, NULL, "https",
	    "mail.contoso.test", 443, "mail.contoso.test 443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "https://mail.contoso.test:8443/owa/", NULL, NULL, "https",
	    "mail.contoso.test", 8443, "mail.contoso.test 8443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "https://mail.contoso.test/", NULL, NULL, "https",
	    "mail.contoso.test", 443, "mail.contoso.test 443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "https://mail.contoso.test/path?q=1#f", NULL, NULL, "https",
	    "mail.contoso.test", 443, "mail.contoso.test 443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "HTTPS://Mail.Contoso.TEST", NULL, NULL, "https",
	    "mail.contoso.test", 443, "mail.contoso.test 443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "imaps://imap.example.test", NULL, NULL, "imaps",
	    "imap.example.test", 993, "imap.example.test 993",
	    "imap.example.test", "imap.example.test" },
	{ "IMAPS://imap.example.test:1993", NULL, NULL, "imaps",
	    "imap.example.test", 1993, "imap.example.test 1993",
	    "imap.example.test", "imap.example.test" },
	{ "pop3s://pop.example.test", NULL, NULL, "pop3s",
	    "pop.example.test", 995, "pop.example.test 995",
	    "pop.example.test", "pop.example.test" },
	{ "smtps://mx.example.test", NULL, NULL, "smtps",
	    "mx.example.test", 465, "mx.example.test 465",
	    "mx.example.test", "mx.example.test" },
	{ "ldaps://dc01.corp.test", NULL, NULL, "ldaps",
	    "dc01.corp.test", 636, "dc01.corp.test 636",
	    "dc01.corp.test", "dc01.corp.test" },
	{ "smtp://mx.example.test", NULL, NULL, "smtp",
	    "mx.example.test", 25, "mx.example.test 25",
	    "mx.example.test", "mx.example.test" },
	{ "smtp://mx.example.test:587", NULL, NULL, "smtp",
	    "mx.example.test", 587, "mx.example.test 587",
	    "mx.example.test", "mx.example.test" },
	{ "imap://imap.example.test", NULL, NULL, "imap",
	    "imap.example.test", 143, "imap.example.test 143",
	    "imap.example.test", "imap.example.test" },
	{ "pop3://pop.example.test", NULL, NULL, "pop3",
	    "pop.example.test", 110, "pop.example.test 110",
	    "pop.example.test", "pop.example.test" },
	{ "Pop3://pop.example.test:1110/", NULL, NULL, "pop3",
	    "pop.example.test", 1110, "pop.example.test 1110",
	    "pop.example.test", "pop.example.test" },
	{ "mail.contoso.test", NULL, NULL, "tls",
	    "mail.contoso.test", 443, "mail.contoso.test 443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "mail.contoso.test:4433", NULL, NULL, "tls",
	    "mail.contoso.test", 4433, "mail.contoso.test 4433",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "127.0.0.1:4433", NULL, NULL, "tls",
	    "127.0.0.1", 4433, "127.0.0.1 4433", NULL, "127.0.0.1" },
	{ "127.0.0.1", NULL, NULL, "tls",
	    "127.0.0.1", 443, "127.0.0.1 443", NULL, "127.0.0.1" },
	{ "[::1]:4433", NULL, NULL, "tls",
	    "::1", 4433, "::1 4433", NULL, "::1" },
	{ "[::1]", NULL, NULL, "tls", "::1", 443, "::1 443", NULL, "::1" },
	{ "::1", NULL, NULL, "tls", "::1", 443, "::1 443", NULL, "::1" },
	{ "[2001:DB8::1]:993", NULL, NULL, "tls",
	    "2001:db8::1", 993, "2001:db8::1 993", NULL, "2001:db8::1" },
	{ "https://[2001:db8::5]:8443/", NULL, NULL, "https",
	    "2001:db8::5", 8443, "2001:db8::5 8443", NULL, "2001:db8::5" },
	{ "https://192.0.2.7", "mail.contoso.test", NULL, "https",
	    "192.0.2.7", 443, "192.0.2.7 443", "mail.contoso.test",
	    "192.0.2.7" },
	{ "https://mail.contoso.test", "other.test", NULL, "https",
	    "mail.contoso.test", 443, "mail.contoso.test 443", "other.test",
	    "mail.contoso.test" },
	{ "https://mail.contoso.test", NULL, "127.0.0.1", "https",
	    "mail.contoso.test", 443, "127.0.0.1 443",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "https://mail.contoso.test", NULL, "127.0.0.1:4433", "https",
	    "mail.contoso.test", 443, "127.0.0.1 4433",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "https://mail.contoso.test:8443", NULL, "10.0.0.5:4433", "https",
	    "mail.contoso.test", 8443, "10.0.0.5 4433",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "smtp://mail.contoso.test:587", NULL, "[::1]:2525", "smtp",
	    "mail.contoso.test", 587, "::1 2525",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "imap://mail.contoso.test", NULL, "backend.contoso.test", "imap",
	    "mail.contoso.test", 143, "backend.contoso.test 143",
	    "mail.contoso.test", "mail.contoso.test" },
	{ "https://mail.contoso.test", "sni.test", "[::1]", "https",
	    "mail.contoso.test", 443, "::1 443", "sni.test",
	    "mail.contoso.test" },
	{ "https://x.test:65535", NULL, NULL, "https",
	    "x.test", 65535, "x.test 65535", "x.test", "x.test" },
	{ "x.test:1", NULL, NULL, "tls", "x.test", 1, "x.test 1", "x.test",
	    "x.test" },

	/* usage errors */
	{ "", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://:443", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://x.test:0", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://x.test:65536", NULL, NULL, ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ "https://x.test:abc", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://x.test:", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "x.test:0", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "x.test:65536", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "x.test:abc", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "[::1]:0", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "[zz::1]:443", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "http://x.test", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "ftp://x.test", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://user@x.test", NULL, NULL, ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ "https://user:pw@x.test", NULL, NULL, ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ "https://x test", NULL, NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://x.test", "", NULL, ERR, NULL, 0, NULL, NULL, NULL },
	{ "https://x.test", NULL, "127.0.0.1:0", ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ "https://x.test", NULL, "127.0.0.1:99999", ERR, NULL, 0, NULL,
	    NULL, NULL },
	{ "https://x.test", NULL, ":443", ERR, NULL, 0, NULL, NULL, NULL },

	/* files */
	{ "certs/server.pem", NULL, NULL, "file", NULL, 0, NULL, NULL, NULL },
	{ "./chain.p7b", NULL, NULL, "file", NULL, 0, NULL, NULL, NULL },
	{ "/nonexistent/dir/x.der", NULL, NULL, "file", NULL, 0, NULL, NULL,
	    NULL },
	{ "existing-file.pem", NULL, NULL, "file", NULL, 0, NULL, NULL,
	    NULL },
	{ "existing-file.pem", "x.test", NULL, ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ "certs/server.pem", NULL, "127.0.0.1", ERR, NULL, 0, NULL, NULL,
	    NULL },
	/* A missing file by its ending; never a host by letters inside. */
	{ "missing.pem", NULL, NULL, "file", NULL, 0, NULL, NULL, NULL },
	{ "ROOT.CER", NULL, NULL, "file", NULL, 0, NULL, NULL, NULL },
	{ "bundle.tar.gz", NULL, NULL, "file", NULL, 0, NULL, NULL, NULL },
	{ "www.cern.ch", NULL, NULL, "tls", "www.cern.ch", 443,
	    "www.cern.ch 443", "www.cern.ch", "www.cern.ch" },
	{ "mail.pembroke.ac.uk", NULL, NULL, "tls", "mail.pembroke.ac.uk",
	    443, "mail.pembroke.ac.uk 443", "mail.pembroke.ac.uk",
	    "mail.pembroke.ac.uk" },
	{ "host.pem:8443", NULL, NULL, "tls", "host.pem", 8443,
	    "host.pem 8443", "host.pem", "host.pem" },
	/* A scheme that lost a character. */
	{ "smtp//mail.contoso.test", NULL, NULL, ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ "https:/mail.contoso.test", NULL, NULL, ERR, NULL, 0, NULL, NULL,
	    NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }
};

static void
check_row(const struct row *r)
{
	struct target t;
	char label[160], conn[300];
	int rc;

	snprintf(label, sizeof(label), "'%s'%s%s%s%s", r->input,
	    r->sni ? " --sni " : "", r->sni ? r->sni : "",
	    r->connect ? " --connect " : "", r->connect ? r->connect : "");
	rc = target_parse(r->input, r->sni, r->connect, &t);
	if (strcmp(r->proto, ERR) == 0) {
		is_int(rc, -1, "%s: usage error", label);
		ok(t.input == NULL && t.host == NULL, "%s: cleared", label);
		return;
	}
	is_int(rc, 0, "%s: parses", label);
	if (rc != 0)
		return;
	is_str(target_proto_name(t.proto), r->proto, "%s: protocol", label);
	if (strcmp(r->proto, "file") == 0) {
		is_str(t.path, r->input, "%s: path", label);
		ok(!target_is_network(&t), "%s: not network", label);
		target_clear(&t);
		return;
	}
	ok(target_is_network(&t), "%s: network", label);
	is_str(t.host, r->host, "%s: host", label);
	is_int(t.port, r->port, "%s: port", label);
	snprintf(conn, sizeof(conn), "%s %u", t.connect_host,
	    t.connect_port);
	is_str(conn, r->connect_to, "%s: connect to", label);
	is_str(t.sni, r->want_sni, "%s: sni", label);
	is_str(t.name, r->name, "%s: name", label);
	is_str(t.input, r->input, "%s: input kept", label);
	target_clear(&t);
}

int
main(void)
{
	static const struct {
		const char *s;
		int ip;
	} ips[] = {
		{ "127.0.0.1", 1 }, { "::1", 1 }, { "2001:db8::1", 1 },
		{ "::ffff:192.0.2.1", 1 }, { "[::1]", 0 }, { "1.2.3", 0 },
		{ "256.1.1.1", 0 }, { "mail.contoso.test", 0 }, { "", 0 },
		{ NULL, 0 }
	};
	const struct row *r;
	const char *tmp = getenv("TMPDIR");
	char dir[512];
	FILE *f;
	int i;

	/* A file without '/' is a file only because it exists. */
	snprintf(dir, sizeof(dir), "%s/unit-target.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0 ||
	    (f = fopen("existing-file.pem", "w")) == NULL) {
		perror("unit-target");
		return 1;
	}
	fclose(f);
	for (r = rows; r->input != NULL; r++)
		check_row(r);
	for (i = 0; ips[i].s != NULL; i++)
		is_int(target_is_ip(ips[i].s), ips[i].ip, "target_is_ip(%s)",
		    ips[i].s);
	is_int(target_is_ip(NULL), 0, "target_is_ip(NULL)");
	unlink("existing-file.pem");
	if (chdir("/") != 0 || rmdir(dir) != 0)
		perror("unit-target: cleanup");
	target_clear(NULL);
	return tap_done();
}
