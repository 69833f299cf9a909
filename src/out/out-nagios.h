/* out-nagios.h - a diagnosis as a Nagios/Icinga plugin's status line. */
#ifndef TRUSTFIX_OUT_NAGIOS_H
#define TRUSTFIX_OUT_NAGIOS_H

#include <stdio.h>

#include "diagnose.h"

/* The plugin convention's states, which are also its exit statuses. */
enum nagios_state {
	NAGIOS_OK = 0,
	NAGIOS_WARNING = 1,
	NAGIOS_CRITICAL = 2,
	NAGIOS_UNKNOWN = 3
};

/*
 * Print "TRUSTFIX STATE - what: words | days_left=N;W:;0:" and one line
 * per finding; d NULL (or without certificate) is UNKNOWN with why.
 * Returns the state.
 */
enum nagios_state out_nagios(FILE *f, const char *what,
	    const struct diagnosis *d, const struct diag_opts *o,
	    const char *why);

#endif
