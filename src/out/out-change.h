/* out-change.h - what import and remove did, kept to be shown as JSON. */
#ifndef TRUSTFIX_OUT_CHANGE_H
#define TRUSTFIX_OUT_CHANGE_H

#include <stdio.h>
#include <jansson.h>
#include <openssl/x509.h>

#include "certlist.h"
#include "services.h"
#include "store.h"

/* One of the host's other stores, changed by --also. */
struct change_also {
	const char	*kind;		/* hoststore_kind_name() */
	char		*location;
	int		 follows_system;
	int		 changed;
	int		 verified;
};

/* One anchor import or remove changed, would change, or found as asked. */
struct change_anchor {
	X509		*x509;		/* not owned; NULL: fingerprint only */
	enum cert_source source;	/* of x509, for its facts */
	char		 sha256[65];
	char		*file;		/* import: where it was read */
	char		*label;		/* import: the label it has */
	int		 changed;
	char		*plan;		/* --dry-run: what would change */
	int		 verified;	/* -1: not said (remove) */
	int		 has_also;	/* --also given */
	struct change_also *also;
	size_t		 nalso;
};

/* A running service that keeps the old anchors until reloaded. */
struct change_service {
	struct service	 svc;		/* owned through services */
	char		*reload;	/* its commands as text, or NULL */
	char		*retry;
	int		 reloaded;	/* -1 not run, 0 failed, 1 ran */
	int		 retried;
	char		*error;		/* why the first command failed */
};

struct change_report {
	struct change_anchor	*v;
	size_t			 n;
	struct service_list	 services;	/* owned */
	struct change_service	*svc;		/* one per services.v[] */
};

/* A new entry of r, zeroed (verified -1); the pointer lasts until the next. */
struct change_anchor *change_add(struct change_report *r, X509 *x,
	    enum cert_source source, const char *sha256);
/* A new --also entry of a. */
struct change_also *change_add_also(struct change_anchor *a);
/* 1 when an anchor of r changed. */
int	change_any(const struct change_report *r);
void	change_clear(struct change_report *r);

/*
 * import/remove --also: "KIND  LOCATION: what happened" for the host
 * store hs, r its answer (1 changed, 0 nothing to do, -1 failed,
 * HOSTSTORE_REFUSED), add 1 for import.
 */
struct hoststore;
void	out_text_also(FILE *f, const struct hoststore *hs, int r, int add,
	    int dry_run);
/* The line above the services: reloading them, or that they need it. */
void	out_text_services_head(FILE *f, int reloading);
/* A service that keeps the old anchors: pid, config, why, commands. */
void	out_text_service(FILE *f, const struct change_service *c);

/*
 * import/remove --json: {"store", "anchors": [out_json_cert() of each, with
 * "file", "label", "changed", "plan", "verified", "also" as set],
 * "services": [...]}.
 */
json_t	*out_json_change(const struct store *st, const struct change_report *r);

#endif
