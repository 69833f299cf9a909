/* deploy.h - what kind of deployment a chain comes from, from the evidence. */
#ifndef TRUSTFIX_DEPLOY_H
#define TRUSTFIX_DEPLOY_H

#include <openssl/x509.h>

#include "certlist.h"

enum deployment {
	DEPLOY_SELF_SIGNED,	/* the server certificate is its own issuer */
	DEPLOY_WINDOWS_PKI,	/* AD CS markers in the chain */
	DEPLOY_PUBLIC_CA,	/* the root is a distribution default anchor */
	DEPLOY_PRIVATE_CA	/* anything else */
};

/* "self-signed", "windows-pki", "public-ca", "private-ca". */
const char *deploy_name(enum deployment);

/* The anchors a distribution ships: a root among them is a public CA. */
struct deploy_public {
	X509_STORE	*store;		/* NULL: they could not be read */
	const char	*where;		/* where they were read, for the words */
};

/*
 * Classify chain (the path as built, leaf first, plus anything sent)
 * against the public anchors pub.  evidence, if not NULL, receives a
 * one-line explanation the caller frees ("issuing CA carries AD CS
 * extension 1.3.6.1.4.1.311.21.1").  Reads nothing: pure.
 */
enum deployment deploy_classify(const struct certlist *chain,
	    const struct deploy_public *pub, char **evidence);

#endif
