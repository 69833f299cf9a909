/* ldapget.c - bounded anonymous LDAP reads for AIA issuers and CRLs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lber.h>
#include <ldap.h>
#include <openldap.h>

#include "facts.h"
#include "lazyldap.h"
#include "ldapget.h"
#include "msg.h"
#include "sock.h"

/* Room for the protocol around LDAPGET_MAX_BODY bytes of values. */
#define MAX_MESSAGE	(LDAPGET_MAX_BODY + 64 * 1024)

/* One read: where it stands, for the limits and the message. */
struct lread {
	LDAP			*ld;
	struct conn		 conn;		/* the deadline, and the dial */
	const char		*attr;		/* attribute wanted, no options */
	struct ldapget_values	*out;
	size_t			 bytes;
	int			 entries;
	char			*err;
	size_t			 errlen;
};

int
ldapget_host_ok(const char *host)
{
	LDAPURLDesc *lud = NULL;
	char *u;
	int ok;

	if (*host == '\0' || strpbrk(host, "/?#@ ") != NULL)
		return 0;
	u = xasprintf("ldap://%s/", host);
	ok = ldap_url_parse(u, &lud) == LDAP_URL_SUCCESS &&
	    lud->lud_host != NULL && *lud->lud_host != '\0';
	ldap_free_urldesc(lud);
	free(u);
	return ok;
}

void
ldapget_values_clear(struct ldapget_values *vals)
{
	size_t i;

	for (i = 0; i < vals->n; i++)
		free(vals->v[i]);
	free(vals->v);
	free(vals->len);
	memset(vals, 0, sizeof(*vals));
}

/* The server to dial: the URL's, else host's.  -1 with err set. */
static int
server_of(struct lread *r, LDAPURLDesc *lud, const char *host,
    LDAPURLDesc **hud, const char **name, int *port)
{
	char *u;

	*name = lud->lud_host;
	*port = lud->lud_port;
	if (*name != NULL && **name != '\0')
		return 0;
	if (host == NULL) {
		snprintf(r->err, r->errlen, "the URL names no server (as AD "
		    "CS writes it: Windows asks the domain's controllers); "
		    "give --ldap-host HOST[:PORT]");
		return -1;
	}
	/* A bare IPv6 address (the target's host) gets its brackets. */
	if (strchr(host, ':') != strrchr(host, ':') && host[0] != '[')
		u = xasprintf("ldap://[%s]/", host);
	else
		u = xasprintf("ldap://%s/", host);
	if (ldap_url_parse(u, hud) != LDAP_URL_SUCCESS) {
		free(u);
		snprintf(r->err, r->errlen, "bad LDAP host");
		return -1;
	}
	free(u);
	*name = (*hud)->lud_host;
	*port = (*hud)->lud_port;
	return 0;
}

/* Connect ourselves, within the deadline, and hand the socket over. */
static int
open_ld(struct lread *r, const char *name, int port)
{
	int v3 = LDAP_VERSION3, rc;
	ber_len_t max = MAX_MESSAGE;
	Sockbuf *sb = NULL;

	if (conn_open(&r->conn, name, port > 0 ? (unsigned)port :
	    LDAPGET_PORT) != 0)
		return -1;
	rc = ldap_init_fd(r->conn.fd, LDAP_PROTO_TCP, NULL, &r->ld);
	if (rc != LDAP_SUCCESS) {
		snprintf(r->err, r->errlen, "%s", ldap_err2string(rc));
		return -1;
	}
	r->conn.fd = -1;	/* the LDAP handle closes it */
	if (ldap_set_option(r->ld, LDAP_OPT_PROTOCOL_VERSION, &v3) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(r->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_get_option(r->ld, LDAP_OPT_SOCKBUF, &sb) !=
	    LDAP_OPT_SUCCESS || sb == NULL ||
	    ber_sockbuf_ctrl(sb, LBER_SB_OPT_SET_MAX_INCOMING, &max) != 1) {
		snprintf(r->err, r->errlen, "cannot set up the LDAP client");
		return -1;
	}
	return 0;
}

/* Why the handle failed, or that time ran out. */
static void
ld_fail(struct lread *r, int timed_out)
{
	int code = LDAP_OTHER;

	if (timed_out) {
		snprintf(r->err, r->errlen, "timed out after %d s",
		    r->conn.timeout_ms / 1000);
		return;
	}
	(void)ldap_get_option(r->ld, LDAP_OPT_RESULT_CODE, &code);
	if (code == LDAP_SERVER_DOWN)
		snprintf(r->err, r->errlen, "the connection broke (or one "
		    "answer exceeded %d bytes)", MAX_MESSAGE);
	else
		snprintf(r->err, r->errlen, "%s", ldap_err2string(code));
}

/* The next message of msgid within the deadline; NULL with err set. */
static LDAPMessage *
next_message(struct lread *r, int msgid)
{
	LDAPMessage *m = NULL;
	struct timeval tv;
	int left = conn_left(&r->conn), t;

	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	if (left == 0 || (t = ldap_result(r->ld, msgid, LDAP_MSG_ONE, &tv,
	    &m)) == 0) {
		ldap_msgfree(m);
		ld_fail(r, 1);
		return NULL;
	}
	if (t < 0) {
		ld_fail(r, 0);
		return NULL;
	}
	return m;
}

/* The result code of a result message; -1 with err set if not success. */
static int
result_ok(struct lread *r, LDAPMessage *m, const char *what)
{
	char *text = NULL, *e;
	int code = LDAP_OTHER;

	if (ldap_parse_result(r->ld, m, &code, NULL, &text, NULL, NULL, 0) !=
	    LDAP_SUCCESS)
		code = LDAP_DECODING_ERROR;
	if (code != LDAP_SUCCESS) {
		e = text != NULL && *text != '\0' ? msg_escape(text) : NULL;
		snprintf(r->err, r->errlen, "%s: %s%s%.200s", what,
		    ldap_err2string(code), e ? ": " : "", e ? e : "");
		free(e);
	}
	ldap_memfree(text);
	return code == LDAP_SUCCESS ? 0 : -1;
}

static int
anonymous_bind(struct lread *r)
{
	struct berval empty = { 0, NULL };
	LDAPMessage *m;
	int msgid, rc;

	rc = ldap_sasl_bind(r->ld, "", LDAP_SASL_SIMPLE, &empty, NULL, NULL,
	    &msgid);
	if (rc != LDAP_SUCCESS) {
		snprintf(r->err, r->errlen, "bind: %s", ldap_err2string(rc));
		return -1;
	}
	if ((m = next_message(r, msgid)) == NULL)
		return -1;
	rc = result_ok(r, m, "anonymous bind refused");
	ldap_msgfree(m);
	return rc;
}

/* 1 if the attribute description is r->attr, with options or not. */
static int
wanted(const struct lread *r, const char *desc)
{
	size_t n = strlen(r->attr);

	return strncasecmp(desc, r->attr, n) == 0 &&
	    (desc[n] == '\0' || desc[n] == ';');
}

/* Keep the wanted values of one entry, within the limits. */
static int
take_entry(struct lread *r, LDAPMessage *e)
{
	struct berval **vals;
	BerElement *ber = NULL;
	char *a;
	int i, rc = 0;

	if (++r->entries > LDAPGET_MAX_ENTRIES) {
		snprintf(r->err, r->errlen, "more than %d entries",
		    LDAPGET_MAX_ENTRIES);
		return -1;
	}
	for (a = ldap_first_attribute(r->ld, e, &ber); a != NULL && rc == 0;
	    a = ldap_next_attribute(r->ld, e, ber)) {
		vals = wanted(r, a) ? ldap_get_values_len(r->ld, e, a) : NULL;
		for (i = 0; vals != NULL && vals[i] != NULL && rc == 0; i++) {
			struct ldapget_values *o = r->out;
			struct berval *v = vals[i];

			if (o->n >= LDAPGET_MAX_VALUES) {
				snprintf(r->err, r->errlen, "more than %d "
				    "values", LDAPGET_MAX_VALUES);
				rc = -1;
			} else if (v->bv_len > LDAPGET_MAX_BODY - r->bytes) {
				snprintf(r->err, r->errlen, "answer larger "
				    "than %d bytes", LDAPGET_MAX_BODY);
				rc = -1;
			} else {
				o->v = xrealloc(o->v, (o->n + 1) *
				    sizeof(*o->v));
				o->len = xrealloc(o->len, (o->n + 1) *
				    sizeof(*o->len));
				o->v[o->n] = xcalloc(1, v->bv_len + 1);
				memcpy(o->v[o->n], v->bv_val, v->bv_len);
				o->len[o->n++] = v->bv_len;
				r->bytes += v->bv_len;
			}
		}
		ldap_value_free_len(vals);
		ldap_memfree(a);
	}
	ber_free(ber, 0);
	return rc;
}

static int
search(struct lread *r, LDAPURLDesc *lud)
{
	char *attrs[3], *withbin = xasprintf("%s;binary", r->attr);
	struct timeval tv;
	LDAPMessage *m = NULL;
	int msgid, rc = -1, t, done = 0;

	attrs[0] = (char *)r->attr;
	attrs[1] = withbin;
	attrs[2] = NULL;
	tv.tv_sec = r->conn.timeout_ms / 1000 > 0 ?
	    r->conn.timeout_ms / 1000 : 1;
	tv.tv_usec = 0;
	t = ldap_search_ext(r->ld, lud->lud_dn ? lud->lud_dn : "",
	    lud->lud_scope == LDAP_SCOPE_DEFAULT ? LDAP_SCOPE_BASE :
	    lud->lud_scope, lud->lud_filter, attrs, 0, NULL, NULL, &tv,
	    LDAPGET_MAX_ENTRIES, &msgid);
	if (t != LDAP_SUCCESS) {
		snprintf(r->err, r->errlen, "search: %s", ldap_err2string(t));
		goto out;
	}
	while (!done && (m = next_message(r, msgid)) != NULL) {
		switch (ldap_msgtype(m)) {
		case LDAP_RES_SEARCH_ENTRY:
			if (take_entry(r, m) != 0)
				goto out;
			break;
		case LDAP_RES_SEARCH_RESULT:
			done = 1;
			if (result_ok(r, m, "search") != 0 &&
			    r->out->n == 0)
				goto out;
			break;
		default:	/* references: not followed */
			break;
		}
		ldap_msgfree(m);
		m = NULL;
	}
	if (!done)
		goto out;
	if (r->out->n == 0) {
		snprintf(r->err, r->errlen, "no %s value (%d entries)",
		    r->attr, r->entries);
		goto out;
	}
	rc = 0;
out:
	ldap_msgfree(m);
	free(withbin);
	return rc;
}

/* A URL's attribute, if it names one, without its options. */
static char *
url_attr(LDAPURLDesc *lud, const char *deflt)
{
	const char *a = lud->lud_attrs != NULL && lud->lud_attrs[0] != NULL ?
	    lud->lud_attrs[0] : deflt;
	size_t n = strcspn(a, ";");
	char *s = xcalloc(1, n + 1);

	memcpy(s, a, n);
	return s;
}

int
ldapget(const char *url, const char *attr, const char *host, int timeout_ms,
    struct ldapget_values *out, char *err, size_t errlen)
{
	LDAPURLDesc *lud = NULL, *hud = NULL;
	struct lread r;
	const char *name;
	char *want = NULL;
	int port, rc = -1, i;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.err = err;
	r.errlen = errlen;
	err[0] = '\0';
	conn_init(&r.conn, timeout_ms, err, errlen);
	if (lazyldap_load() != 0) {
		snprintf(err, errlen, "cannot load OpenLDAP's library: %s",
		    lazyldap_error());
		goto out;
	}
	if (facts_url_kind(url) != URL_LDAP || ldap_url_parse(url, &lud) !=
	    LDAP_URL_SUCCESS) {
		snprintf(err, errlen, "not an ldap:// URL that OpenLDAP "
		    "parses");
		goto out;
	}
	for (i = 0; lud->lud_exts != NULL && lud->lud_exts[i] != NULL; i++)
		if (lud->lud_exts[i][0] == '!') {
			snprintf(err, errlen, "a critical URL extension");
			goto out;
		}
	r.attr = want = url_attr(lud, attr);
	if (server_of(&r, lud, host, &hud, &name, &port) != 0 ||
	    open_ld(&r, name, port) != 0 || anonymous_bind(&r) != 0 ||
	    search(&r, lud) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		ldapget_values_clear(out);
	if (r.ld != NULL)
		ldap_unbind_ext(r.ld, NULL, NULL);
	conn_close(&r.conn);
	ldap_free_urldesc(lud);
	ldap_free_urldesc(hud);
	free(want);
	return rc;
}
