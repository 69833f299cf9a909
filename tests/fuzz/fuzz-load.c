/* fuzz-load.c - libFuzzer harness: load_buffer, then every per-certificate check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certlist.h"
#include "deploy.h"
#include "facts.h"
#include "load.h"
#include "names.h"
#include "out.h"

/* Names a certificate is checked against besides its own. */
static const char *names[] = {
	"mail.contoso.test", "x.contoso.test", "127.0.0.1", "::1",
	"contoso.test", "*.contoso.test", "", "a..b", "xn--bcher-kva.test",
};

static void
check_name(X509 *x, const char *name)
{
	char **v;

	(void)names_check(x, name);
	(void)names_valid(name);
	v = names_suggest(x, name);
	facts_strv_free(v);
}

/* Check x against fixed names and against the names it carries. */
static void
check_cert(X509 *x, enum cert_source source)
{
	json_t *j;
	char **v, *cn;
	size_t i;

	j = out_json_cert(x, source);
	json_decref(j);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_name(x, names[i]);
	if ((cn = facts_common_name(x)) != NULL) {
		check_name(x, cn);
		free(cn);
	}
	if ((v = facts_dns_names(x)) != NULL) {
		/* A few: each check goes over every name again. */
		for (i = 0; v[i] != NULL && i < 4; i++)
			check_name(x, v[i]);
		facts_strv_free(v);
	}
	facts_strv_free(facts_adcs_markers(x));
	facts_strv_free(facts_eku(x));
	facts_strv_free(facts_ca_issuers(x));
	facts_strv_free(facts_ocsp_urls(x));
	facts_strv_free(facts_crl_urls(x));
	free(facts_ski(x));
	free(facts_aki(x));
	(void)facts_is_self_signed(x);
	(void)facts_is_ca(x);
	free(facts_key(x));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_opts opts = { .password = "" };
	struct deploy_public pub = { NULL, NULL };
	struct certlist *list = certlist_new();
	char *evidence = NULL;
	size_t i;

	if (load_buffer(data, size, "fuzz", &opts, list) == 0) {
		for (i = 0; i < list->n; i++)
			check_cert(list->v[i].x509, list->v[i].source);
		(void)deploy_classify(list, &pub, &evidence);
		free(evidence);
	}
	certlist_free(list);
	return 0;
}
