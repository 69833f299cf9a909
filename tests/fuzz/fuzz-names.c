/* fuzz-names.c - libFuzzer harness: names_check against X509_check_host. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "names.h"

#define MAX_SANS	4

/*
 * The input is split at NUL bytes: the host name asked for, then up to
 * MAX_SANS dNSName strings, put as IA5Strings into the subjectAltName of
 * a certificate with no subject CN.  For a name names_valid() accepts
 * that is no IP address, names_check() must say NAME_MATCH_SAN exactly
 * when OpenSSL's X509_check_host() matches with full-label wildcards
 * only and never the subject.  Differences names.c documents:
 *
 * - A trailing dot of the name asked for is dropped before comparing;
 *   OpenSSL compares it as sent.  OpenSSL is asked without the dot.
 * - An underscore is allowed in the name asked for, but a certificate's
 *   name with one never matches (a wildcard neither); OpenSSL matches
 *   such names literally.  Names with an underscore are not compared.
 */

static X509 *
make_leaf(char **san, int nsan)
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *gn;
	ASN1_IA5STRING *s;
	X509 *x;
	int i;

	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    (gens = GENERAL_NAMES_new()) == NULL)
		abort();
	for (i = 0; i < nsan; i++) {
		if ((gn = GENERAL_NAME_new()) == NULL ||
		    (s = ASN1_IA5STRING_new()) == NULL ||
		    !ASN1_STRING_set(s, san[i], strlen(san[i])))
			abort();
		GENERAL_NAME_set0_value(gn, GEN_DNS, s);
		if (!sk_GENERAL_NAME_push(gens, gn))
			abort();
	}
	if (!X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, 0))
		abort();
	GENERAL_NAMES_free(gens);
	return x;
}

static int
is_ip(const char *name)
{
	unsigned char ip[16];

	return inet_pton(AF_INET, name, ip) == 1 ||
	    inet_pton(AF_INET6, name, ip) == 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *p, *end, *name, *san[MAX_SANS], *ask;
	size_t len;
	int nsan = 0, ours, theirs, i;
	X509 *x;

	if (size > 4096 || (buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	name = buf;
	for (p = name + strlen(name) + 1; p <= end && nsan < MAX_SANS;
	    p += strlen(p) + 1)
		san[nsan++] = p;
	x = make_leaf(san, nsan);

	ours = names_check(x, name);
	if (!names_valid(name) || is_ip(name) || strchr(name, '_') != NULL)
		goto out;
	if ((ask = strdup(name)) == NULL)
		abort();
	len = strlen(ask);
	if (ask[len - 1] == '.')
		ask[--len] = '\0';
	theirs = X509_check_host(x, ask, len,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL);
	if ((ours == NAME_MATCH_SAN) != (theirs == 1)) {
		fprintf(stderr, "names_check(\"%s\") = %d, "
		    "X509_check_host(\"%s\") = %d; SANs:", name, ours, ask,
		    theirs);
		for (i = 0; i < nsan; i++)
			fprintf(stderr, " \"%s\"", san[i]);
		fprintf(stderr, "\n");
		abort();
	}
	free(ask);
out:
	X509_free(x);
	free(buf);
	return 0;
}
