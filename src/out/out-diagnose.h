/* out-diagnose.h - a diagnosis as text for a person, and as JSON. */
#ifndef TRUSTFIX_OUT_DIAGNOSE_H
#define TRUSTFIX_OUT_DIAGNOSE_H

#include <stdio.h>
#include <jansson.h>

#include "diagnose.h"

/* The verdict, each finding as cause, evidence, fix, then the chain. */
void	out_diagnose_text(FILE *f, const char *what,
	    const struct diagnosis *d, int color);

/* DESIGN.md's document; target is stolen. */
json_t	*out_diagnose_json(json_t *target, const struct diagnosis *d);

#endif
