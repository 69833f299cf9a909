/* httpget.h - bounded HTTP requests for AIA issuers, CRLs and OCSP. */
#ifndef TRUSTFIX_HTTPGET_H
#define TRUSTFIX_HTTPGET_H

#include <stddef.h>

#define HTTPGET_MAX_BODY	(1024 * 1024)	/* bytes of one answer */
#define HTTPGET_MAX_REDIRECTS	2

#define HTTPGET_TIMED_OUT	(-2)	/* httpget(): the time ran out */

/*
 * GET url (http:// only), or POST body of content_type when body is not
 * NULL, following at most HTTPGET_MAX_REDIRECTS redirects to http URLs,
 * reading at most HTTPGET_MAX_BODY bytes, all within timeout_ms.
 * Returns 0 with *resp (the caller frees) and *resp_len, or -1 (any
 * failure) or HTTPGET_TIMED_OUT (no answer before the deadline) with err
 * saying why (nothing is printed).
 */
/*
 * From now on, also download from loopback, link-local, private and
 * multicast addresses (--aia-allow-private); by default httpget() does
 * not connect to them, after resolving each URL and each redirect.
 */
void	httpget_allow_private(int on);

int	httpget(const char *url, const char *content_type,
	    const unsigned char *body, size_t body_len, int timeout_ms,
	    unsigned char **resp, size_t *resp_len, char *err, size_t errlen);

#endif
