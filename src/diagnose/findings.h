/* findings.h - the finding ids of DESIGN.md, and a list of findings. */
#ifndef TRUSTFIX_FINDINGS_H
#define TRUSTFIX_FINDINGS_H

#include <stddef.h>

#include "clientid.h"

/* Spelled as in DESIGN.md; new ids go at the end of findings.def. */
enum finding_id {
#define FINDING(id, ...) id,
#include "findings.def"
#undef FINDING
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
	int		 code;		/* X509_V_ERR that says it, or 0 */
	unsigned	 rejected_by;	/* CL_BIT()s of the clients */
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
/* The least severity it is shown with (expiring-soon: a warning). */
enum severity finding_floor(enum finding_id);
/* The rule-judged profiles that reject a chain for it by default. */
unsigned finding_rules(enum finding_id);
/* The X509ChainStatusFlags .NET reports for it (enum dotnet_status). */
unsigned finding_dotnet(enum finding_id);
/* What client c says when it rejects for it, or NULL. */
const char *finding_native(enum finding_id, enum client_id c);
/* The finding an OpenSSL verify error means (F_PROFILE: no other). */
enum finding_id finding_of_code(int code);
/* 1 if trustfix judges what code means with its own rules. */
int	finding_judged_here(int code);
/*
 * Severities by the clients' rule: error when a client of named rejects
 * for the finding, warning when only other profiles do, info when none
 * does; never below the finding's floor.
 */
void	findings_judge(struct findings *, unsigned named);

/*
 * Append a finding; takes ownership of the three strings (any may be
 * NULL).  A second finding with the same id and certificate is dropped
 * (its strings freed), so that one cause is reported once.  Returns
 * the finding kept.
 */
struct finding *findings_add(struct findings *, enum finding_id,
	    enum severity, int cert, char *summary, char *detail, char *fix);
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
