/* out-cert.c - one certificate as DESIGN.md's chain[] object. */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "facts.h"
#include "msg.h"
#include "out.h"

/* Takes ownership of s. */
static void
set_str0(json_t *o, const char *key, char *s)
{
	json_object_set_new(o, key, msg_json(s));
	free(s);
}

/* Takes ownership of v; a NULL v is JSON null. */
static void
set_strv0(json_t *o, const char *key, char **v)
{
	json_t *a;
	size_t i;

	if (v == NULL) {
		json_object_set_new(o, key, json_null());
		return;
	}
	a = json_array();
	for (i = 0; v[i] != NULL; i++)
		json_array_append_new(a, msg_json(v[i]));
	json_object_set_new(o, key, a);
	facts_strv_free(v);
}

void
out_json_days_left(json_t *o, const X509 *x, time_t at)
{
	long d = facts_days_left(x, at);

	json_object_set_new(o, "days_left", d == FACTS_NO_DAYS ? json_null() :
	    json_integer(d));
}

json_t *
out_json_cert(X509 *x, enum cert_source source)
{
	json_t *o = json_object();
	char hex[65];

	set_str0(o, "subject", facts_subject(x));
	set_str0(o, "issuer", facts_issuer(x));
	set_str0(o, "serial", facts_serial(x));
	set_str0(o, "not_before", facts_time(X509_get0_notBefore(x)));
	set_str0(o, "not_after", facts_time(X509_get0_notAfter(x)));
	facts_sha256(x, hex);
	json_object_set_new(o, "sha256", json_string(hex));
	json_object_set_new(o, "self_signed",
	    json_boolean(facts_is_self_signed(x)));
	json_object_set_new(o, "is_ca", json_boolean(facts_is_ca(x)));
	set_strv0(o, "dns_names", facts_dns_names(x));
	set_strv0(o, "ip_addresses", facts_ip_addresses(x));
	set_str0(o, "key", facts_key(x));
	set_str0(o, "signature", facts_signature(x));
	json_object_set_new(o, "source",
	    json_string(cert_source_name(source)));
	facts_sha1(x, hex);
	json_object_set_new(o, "sha1", json_string(hex));
	out_json_days_left(o, x, time(NULL));
	set_str0(o, "common_name", facts_common_name(x));
	set_strv0(o, "eku", facts_eku(x));
	set_str0(o, "ski", facts_ski(x));
	set_str0(o, "aki", facts_aki(x));
	set_strv0(o, "aia_ca_issuers", facts_ca_issuers(x));
	set_strv0(o, "aia_ocsp", facts_ocsp_urls(x));
	set_strv0(o, "crl_urls", facts_crl_urls(x));
	set_strv0(o, "adcs_markers", facts_adcs_markers(x));
	return o;
}
