/* factsmemo.c - out_json_cert() that reads each certificate once. */
#include <stdio.h>
#include <time.h>

#include "factsmemo.h"

/* SHA-256 and source of a certificate: its facts. */
static json_t *memo;
static size_t memo_max;

void
factsmemo_enable(size_t max)
{
	json_decref(memo);
	memo = max > 0 ? json_object() : NULL;
	memo_max = max;
}

json_t *
factsmemo_json(X509 *x, enum cert_source source)
{
	char hex[65], key[96];
	json_t *o;

	if (memo == NULL)
		return out_json_cert(x, source);
	facts_sha256(x, hex);
	snprintf(key, sizeof(key), "%s %s", hex, cert_source_name(source));
	if ((o = json_object_get(memo, key)) == NULL) {
		if (json_object_size(memo) >= memo_max)
			json_object_clear(memo);
		o = out_json_cert(x, source);
		json_object_set_new(memo, key, json_deep_copy(o));
		return o;
	}
	/* The caller adds its own keys: a copy, its days counted now. */
	o = json_deep_copy(o);
	out_json_days_left(o, x, time(NULL));
	return o;
}
