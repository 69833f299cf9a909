/* getchain.c - what a target presents, and the anchors to build on. */
#include "config.h"

#include <string.h>
#include <time.h>
#include <openssl/crypto.h>

#include "anchors.h"
#include "exitcode.h"
#include "fetch.h"
#include "getchain.h"
#include "load.h"
#include "msg.h"
#include "store.h"

int
getchain_sent(const struct target *t, const struct common_opts *co,
    struct certlist **sent)
{
	struct fetch_result r;
	struct load_opts lo = { NULL };
	struct timespec start, now;
	long long left;
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
	memset(&r, 0, sizeof(r));
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (fetch_chain(t, co->timeout * 1000, 0, &r) == -1) {
		/*
		 * An old server may speak only TLS 1.0/1.1: try again, within
		 * what is left of the one deadline, when the handshake was
		 * refused (not after a timeout or a refused connection).
		 */
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = co->timeout * 1000 - ((now.tv_sec - start.tv_sec) *
		    1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (!r.handshake_failed || left <= 0) {
			msg_error("%s: %s", t->input, r.error);
			fetch_result_clear(&r);
			return EXIT_NETWORK;
		}
		fetch_result_clear(&r);
		memset(&r, 0, sizeof(r));
		if (fetch_chain(t, (int)left, FETCH_ALLOW_OLD, &r) == -1) {
			msg_error("%s: %s", t->input, r.error);
			fetch_result_clear(&r);
			return EXIT_NETWORK;
		}
	}
	*sent = r.chain;
	r.chain = NULL;
	fetch_result_clear(&r);
	return EXIT_OK;
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
