/*
 * diagnet.c - the downloads a diagnosis asks for.  Diagnosis itself
 * (src/diagnose) reads no network: it is given these two functions, and
 * the offline tests give it their own.
 */
#include <stdio.h>
#include <stdlib.h>

#include "certblob.h"
#include "diagnet.h"
#include "facts.h"
#include "httpcache.h"
#include "httpget.h"
#include "ldapget.h"

/* The certificates of every value of an ldap URL's cACertificate. */
static int
ldap_certs(const char *url, const char *ldap_host, int timeout_ms,
    STACK_OF(X509) **out, char *err, size_t errlen)
{
	struct ldapget_values v;
	STACK_OF(X509) *one = NULL;
	size_t i;

	if (ldapget(url, "cACertificate", ldap_host, timeout_ms, &v, err,
	    errlen) != 0)
		return -1;
	*out = sk_X509_new_null();
	for (i = 0; i < v.n && *out != NULL; i++) {
		if (certblob_parse(v.v[i], v.len[i], &one) != 0)
			continue;
		while (sk_X509_num(one) > 0)
			sk_X509_push(*out, sk_X509_shift(one));
		sk_X509_free(one);
	}
	if (*out != NULL && sk_X509_num(*out) == 0) {
		sk_X509_free(*out);
		*out = NULL;
		snprintf(err, errlen, "no value of the %zu read is a "
		    "certificate", v.n);
	}
	ldapget_values_clear(&v);
	return *out != NULL ? 0 : -1;
}

int
diagnet_aia_fetch(const char *url, const char *ldap_host, int timeout_ms,
    STACK_OF(X509) **out, char *err, size_t errlen, void *arg)
{
	unsigned char *buf = NULL;
	size_t len;
	int rc = -1;

	(void)arg;
	*out = NULL;
	if (facts_url_kind(url) == URL_LDAP)
		return ldap_certs(url, ldap_host, timeout_ms, out, err,
		    errlen);
	if (httpcache_get(url, timeout_ms, &buf, &len, err, errlen) != 0)
		return -1;
	if (certblob_parse(buf, len, out) != 0)
		snprintf(err, errlen, "the answer (%zu bytes) is no "
		    "certificate", len);
	else
		rc = 0;
	free(buf);
	return rc;
}

/* A CRL from an ldap URL: the first value. */
static int
ldap_crl(const char *url, const char *ldap_host, int timeout_ms,
    unsigned char **buf, size_t *len, char *err, size_t errlen)
{
	struct ldapget_values v;
	size_t i;

	if (ldapget(url, "certificateRevocationList", ldap_host, timeout_ms,
	    &v, err, errlen) != 0)
		return -1;
	*buf = v.v[0];
	*len = v.len[0];
	for (i = 1; i < v.n; i++)
		free(v.v[i]);
	free(v.v);
	free(v.len);
	return 0;
}

int
diagnet_revoke_get(const char *url, const char *ctype,
    const unsigned char *body, size_t blen, const char *ldap_host,
    int timeout_ms, unsigned char **resp, size_t *resp_len, char *err,
    size_t errlen)
{
	*resp = NULL;
	*resp_len = 0;
	if (body == NULL && facts_url_kind(url) == URL_LDAP)
		return ldap_crl(url, ldap_host, timeout_ms, resp, resp_len,
		    err, errlen);
	/* A CRL is the same for many servers: from the cache, if on. */
	if (body == NULL)
		return httpcache_get(url, timeout_ms, resp, resp_len, err,
		    errlen) != 0 ? -1 : 0;
	return httpget(url, ctype, body, blen, timeout_ms, resp, resp_len,
	    err, errlen) != 0 ? -1 : 0;
}
