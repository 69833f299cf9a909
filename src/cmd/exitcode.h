/* exitcode.h - the exit statuses of DESIGN.md, defined once. */
#ifndef TRUSTFIX_EXITCODE_H
#define TRUSTFIX_EXITCODE_H

enum exit_code {
	EXIT_OK = 0,		/* success; diagnose: trusted */
	EXIT_FAILED = 1,	/* failed or refused; diagnose: untrusted */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NETWORK = 3,	/* could not connect, or no certificate */
	EXIT_INPUT = 4,		/* unreadable input */
	EXIT_STORE = 5		/* trust store error */
};

#endif
