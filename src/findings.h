/* findings.h - the finding ids of DESIGN.md, and a list of findings. */
#ifndef TRUSTFIX_FINDINGS_H
#define TRUSTFIX_FINDINGS_H

#include <stddef.h>

/* Spelled as in DESIGN.md; new ids go at the end, none is ever renamed. */
enum finding_id {
	F_SELF_SIGNED,
	F_UNTRUSTED_ROOT,
	F_MISSING_INTERMEDIATE,
	F_NAME_MISMATCH,
	F_CN_ONLY,
	F_EXPIRED,
	F_NOT_YET_VALID,
	F_EXPIRING_SOON,
	F_WEAK_SIGNATURE,
	F_WEAK_KEY,
	F_NO_SERVER_AUTH,
	F_NOT_A_CA,
	F_PATH_LENGTH,
	F_NAME_CONSTRAINTS,
	F_REVOKED,
	F_CHAIN_ORDER,
	F_HANDSHAKE_FAILED,
	F_OLD_PROTOCOL,
	F_BAD_SIGNATURE,	/* a signature in the path does not verify */
	F_PROFILE,		/* RFC 5280 profile violated */
	F_CRITICAL_EXTENSION,	/* an unknown critical extension */
	F_REVOCATION_UNKNOWN,	/* --check-revocation found no answer */
	F_INVALID_NAME,		/* the name asked for is no host name or IP */
	F_COUNT
};

enum severity {
	SEV_INFO,
	SEV_WARNING,
	SEV_ERROR
};

struct finding {
	enum finding_id	 id;
	enum severity	 severity;
	int		 cert;		/* index into chain[], or -1 */
	char		*summary;	/* one line */
	char		*detail;	/* evidence */
	char		*fix;		/* what to do */
};

struct findings {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
};

const char *finding_name(enum finding_id);
const char *severity_name(enum severity);

/*
 * Append a finding; takes ownership of the three strings (any may be
 * NULL).  A second finding with the same id and certificate is dropped
 * (its strings freed), so that one cause is reported once.
 */
void	findings_add(struct findings *, enum finding_id, enum severity,
	    int cert, char *summary, char *detail, char *fix);
/* The first finding with id, or NULL. */
const struct finding *findings_get(const struct findings *,
	    enum finding_id);
size_t	findings_errors(const struct findings *);
/* Move every finding of src to the end of dst; src is left empty. */
void	findings_move(struct findings *dst, struct findings *src);
/* Order by severity (errors first), keeping the order within each. */
void	findings_sort(struct findings *);
void	findings_clear(struct findings *);

#endif
