/* clientid.c - the client profiles a verdict speaks for: ids and names. */
#include <stdlib.h>
#include <string.h>

#include "clientid.h"
#include "msg.h"

static const struct {
	const char	*name;
	const char	*label;
} clients[CL_COUNT] = {
	[CL_OPENSSL] = { "openssl", "OpenSSL" },
	[CL_OPENSSL_STRICT] = { "openssl-strict", "OpenSSL strict" },
	[CL_DOTNET] = { "dotnet", ".NET" },
	[CL_GNUTLS] = { "gnutls", "GnuTLS" },
	[CL_NSS] = { "nss", "NSS" },
	[CL_JAVA] = { "java", "Java" },
	[CL_GO] = { "go", "Go" },
	[CL_RFC5280] = { "rfc5280", "RFC 5280" },
};

const char *
client_name(enum client_id c)
{
	return (unsigned)c < CL_COUNT ? clients[c].name : "unknown";
}

const char *
client_label(enum client_id c)
{
	return (unsigned)c < CL_COUNT ? clients[c].label : "unknown";
}

static int
one(const char *w, size_t len, unsigned *set)
{
	int c;

	if (len == 3 && strncmp(w, "all", 3) == 0) {
		*set |= CL_REAL;
		return 0;
	}
	for (c = 0; c < CL_COUNT; c++)
		if (strlen(clients[c].name) == len &&
		    strncmp(clients[c].name, w, len) == 0) {
			*set |= CL_BIT(c);
			return 0;
		}
	return -1;
}

int
client_parse(const char *list, unsigned *set)
{
	const char *w = list;
	size_t len;
	char *e;
	int rc = 0;

	*set = 0;
	while (rc == 0) {
		len = strcspn(w, ",");
		if (one(w, len, set) != 0) {
			e = msg_escape_len(w, len);
			msg_error("unknown client '%s': expected openssl, "
			    "openssl-strict, dotnet, gnutls, nss, java, go, "
			    "rfc5280 or all", e);
			free(e);
			rc = -1;
		}
		if (w[len] == '\0')
			break;
		w += len + 1;
	}
	return rc;
}

char *
client_words(unsigned set)
{
	char *s = NULL, *t;
	int c, left = 0;

	for (c = 0; c < CL_COUNT; c++)
		if (set & CL_BIT(c))
			left++;
	for (c = 0; c < CL_COUNT; c++) {
		if (!(set & CL_BIT(c)))
			continue;
		left--;
		t = xasprintf("%s%s%s", s ? s : "", s == NULL ? "" :
		    left == 0 ? " and " : ", ", clients[c].label);
		free(s);
		s = t;
	}
	return s ? s : xstrdup("no client");
}
