/* fetch.h - connect with deadlines, speak STARTTLS, collect the chain. */
#ifndef TRUSTFIX_FETCH_H
#define TRUSTFIX_FETCH_H

#include "certlist.h"
#include "target.h"

/* Limits on what a peer may make us read. */
#define FETCH_MAX_CHAIN		64	/* certificates kept from a server */
#define FETCH_MAX_HANDSHAKE	(512 * 1024)	/* bytes read in a handshake */

struct fetch_result {
	struct certlist	*chain;		/* as sent, in order; SOURCE_SERVER */
	char		*protocol;	/* "TLSv1.3" */
	char		*cipher;	/* "TLS_AES_256_GCM_SHA384" */
	int		 client_cert_requested;
	char		*address;	/* numeric address that answered */
	unsigned	 port;		/* port that answered */
	int		 old_protocol;	/* 1 if only TLS < 1.2 worked */
	int		 security_level; /* the system's default, or -1 */
	char		 error[512];	/* why it failed, for the message */
	enum target_reach reached;	/* how far the attempt got */
	int		 handshake_failed; /* a TLS server that refused the
					    handshake: old protocols may do */
	char		*instead;	/* the STARTTLS URL the server's
					   greeting calls for, or NULL */
};

enum fetch_flags {
	FETCH_ALLOW_OLD = 1	/* allow TLS 1.0/1.1 and security level 0 */
};

/*
 * Connect to t (every address its name resolves to, in order, all
 * within timeout_ms), do the STARTTLS dialogue if any, and complete a
 * TLS handshake that accepts any certificate.  Returns 0 with r filled,
 * or -1 with r->error saying why (not printed: the caller decides).
 */
int	fetch_chain(const struct target *t, int timeout_ms, int flags,
	    struct fetch_result *r);
void	fetch_result_clear(struct fetch_result *r);

#endif
