/*
 * views.c - what the client views other than OpenSSL's add to diagnose.
 *
 * Usage: bench/views CHAIN.pem ROOT.pem NAME [RUNS]
 *
 * Times, in one process and without I/O, a whole diagnosis of the chain
 * (path building, trustfix's rules, every client view, the words) and
 * the part of it that only the views other than openssl cost: the rule
 * profiles (gnutls, nss, java, go, rfc5280) and the OpenSSL-based
 * openssl-strict and dotnet, each run as verdict() runs them.  Prints
 * the medians and the ratio whole / (whole - others): what every view
 * together costs over the openssl view alone.  bench/diagnose.sh turns
 * it into the same ratio over a whole `trustfix diagnose` run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/x509_vfy.h>

#include "anchors.h"
#include "clients.h"
#include "diagnose.h"
#include "load.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

/* The views verdict() computes besides clients_ossl(..., CL_OPENSSL). */
static void
other_views(struct diagnosis *d, const struct certlist *sent,
    const struct diag_opts *o)
{
	int c;

	clients_rules(d, sent, o);
	clients_ossl(d, sent, o, CL_OPENSSL_STRICT);
	clients_ossl(d, sent, o, CL_DOTNET);
	for (c = CL_GNUTLS; c < CL_COUNT; c++)
		clients_rule_view(d, (enum client_id)c, o->name);
}

int
main(int argc, char **argv)
{
	struct load_opts lo = { NULL };
	struct diag_opts o = { 0 };
	struct certlist *sent = certlist_new();
	struct diagnosis *d;
	double *whole, *others, t, mw, mo;
	int i, n = argc > 4 ? atoi(argv[4]) : 200;

	if (argc < 4 || n < 1) {
		fprintf(stderr, "usage: views CHAIN.pem ROOT.pem NAME "
		    "[RUNS]\n");
		return 2;
	}
	if (load_file(argv[1], &lo, sent) != 0)
		return 1;
	o.anchors = X509_STORE_new();
	if (o.anchors == NULL ||
	    X509_STORE_load_file(o.anchors, argv[2]) != 1) {
		fprintf(stderr, "views: cannot load %s\n", argv[2]);
		return 1;
	}
	o.name = argv[3];
	o.public_anchors.store = anchors_distribution(&o.public_anchors.where);
	o.at = time(NULL);
	o.server_auth = 1;
	o.seclevel = -1;
	whole = calloc((size_t)n, sizeof(double));
	others = calloc((size_t)n, sizeof(double));
	if (whole == NULL || others == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		t = now_us();
		d = diagnose_chain(sent, &o);
		whole[i] = now_us() - t;
		t = now_us();
		other_views(d, sent, &o);
		others[i] = now_us() - t;
		diagnosis_free(d);
	}
	mw = median(whole, n);
	mo = median(others, n);
	printf("diagnosis %.0f us, views other than openssl %.0f us, "
	    "ratio %.3f\n", mw, mo, mw / (mw - mo));
	free(whole);
	free(others);
	certlist_free(sent);
	X509_STORE_free(o.anchors);
	return 0;
}
