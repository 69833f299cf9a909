/* out-diagnose.h - a diagnosis as text for a person, and as JSON. */
#ifndef TRUSTFIX_OUT_DIAGNOSE_H
#define TRUSTFIX_OUT_DIAGNOSE_H

#include <stdio.h>
#include <jansson.h>

#include "diagnose.h"
#include "target.h"

/* The verdict, each finding as cause, evidence, fix, then the chain. */
void	out_diagnose_text(FILE *f, const char *what,
	    const struct diagnosis *d, int color);

/* DESIGN.md's document; target is stolen. */
json_t	*out_diagnose_json(json_t *target, const struct diagnosis *d);

/*
 * The --json document of one diagnosis: its target (t NULL for files,
 * then named by o->target) with address, port and o->name, and days
 * left counted at --at when given.
 */
json_t	*out_diagnose_document(const struct diagnosis *dg,
	    const struct target *t, const struct diag_opts *o,
	    const char *address, unsigned port);

#endif
