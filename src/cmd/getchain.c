/* getchain.c - what a target presents, and the anchors to build on. */
#include "config.h"

#include <string.h>
#include <time.h>
#include <openssl/crypto.h>

#include "anchors.h"
#include "diagnet.h"
#include "diagopts.h"
#include "exitcode.h"
#include "fetch.h"
#include "httpget.h"
#include "getchain.h"
#include "load.h"
#include "monoclock.h"
#include "msg.h"
#include "store.h"

struct fetch_result *
getchain_fetch(const struct target *t, int timeout_ms, struct fetch_result *r,
    struct fetch_result *old)
{
	long long deadline = mono_ms() + timeout_ms;
	int left;

	memset(r, 0, sizeof(*r));
	memset(old, 0, sizeof(*old));
	if (fetch_chain(t, timeout_ms, 0, r) == 0)
		return r;
	/*
	 * An old server may speak only TLS 1.0/1.1: try again, within what
	 * is left of the one deadline, when the handshake was refused (not
	 * after a timeout or a refused connection).
	 */
	if (!r->handshake_failed || (left = mono_left(deadline)) <= 0)
		return NULL;
	if (fetch_chain(t, left, FETCH_ALLOW_OLD, old) == 0)
		return old;
	fetch_result_clear(old);
	memset(old, 0, sizeof(*old));
	return NULL;
}

int
getchain_sent(const struct target *t, const struct common_opts *co,
    struct certlist **sent)
{
	struct fetch_result r, old, *got;
	struct load_opts lo = { NULL };
	int code = EXIT_OK;

	if (!target_is_network(t)) {
		*sent = certlist_new();
		if (co->password_file != NULL && (lo.password =
		    load_password_file(co->password_file)) == NULL)
			return EXIT_INPUT;
		if (load_file(t->path, &lo, *sent) == -1)
			code = EXIT_INPUT;
		if (lo.password != NULL)
			OPENSSL_clear_free((char *)lo.password,
			    strlen(lo.password));
		return code;
	}
	if ((got = getchain_fetch(t, co->timeout * 1000, &r, &old)) == NULL) {
		msg_error("%s: %s", t->input, r.error);
		code = EXIT_NETWORK;
	} else {
		*sent = got->chain;
		got->chain = NULL;
	}
	fetch_result_clear(&r);
	fetch_result_clear(&old);
	return code;
}

X509_STORE *
getchain_anchors(const struct common_opts *co, int *owned)
{
	struct store *st = NULL;
	X509_STORE *s = NULL;

	*owned = 0;
	if (co->store == NULL)
		return anchors_distribution(NULL);
	if (store_open(co->store, 0, &st) == 0)
		s = store_get1_x509_store(st);
	store_close(st);
	*owned = s != NULL;
	return s;
}

int
getchain_path(const char *input, const struct common_opts *co,
    const struct getchain_req *req, struct chain **c)
{
	struct target t;
	struct certlist *sent = NULL;
	struct chain_opts copts;
	X509_STORE *anchors = NULL;
	int code, owned = 0;
	int timeout = co->timeout > 0 ? co->timeout : 10;
	long long start = mono_ms();

	*c = NULL;
	memset(&t, 0, sizeof(t));
	if (target_parse(input, co->sni, co->connect, &t) == -1)
		return EXIT_USAGE;
	if ((code = getchain_sent(&t, co, &sent)) != EXIT_OK)
		goto out;
	if (sent->n == 0) {
		msg_error("%s: no certificate", t.input);
		code = EXIT_INPUT;
		goto out;
	}
	if ((anchors = getchain_anchors(co, &owned)) == NULL) {
		code = EXIT_STORE;
		goto out;
	}
	memset(&copts, 0, sizeof(copts));
	copts.fetch = co->no_aia ? NULL : diagnet_aia_fetch;
	httpget_allow_private(co->aia_allow_private);
	copts.timeout = timeout;
	/* One deadline: what the server took is not given again to AIA. */
	copts.deadline = start + timeout * 1000LL;
	copts.at = req->at;
	copts.ldap_host = co->ldap_host ? co->ldap_host : t.host;
	*c = chain_build(sent, req->untrusted, anchors, &copts, req->judge,
	    req->judge_arg);
out:
	if (owned)
		X509_STORE_free(anchors);
	certlist_free(sent);
	target_clear(&t);
	return code;
}
