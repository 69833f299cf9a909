/* factsmemo.h - out_json_cert() that reads each certificate once. */
#ifndef TRUSTFIX_FACTSMEMO_H
#define TRUSTFIX_FACTSMEMO_H

#include <stddef.h>

#include "facts.h"
#include "out.h"

/*
 * Remember up to max certificates' facts from now on (0: forget them
 * and remember none).  A scan meets the same intermediates, roots and
 * often server certificates at many targets: reading their extensions,
 * names and self-signature once per run instead of once per target.
 */
void	 factsmemo_enable(size_t max);

/*
 * out_json_cert(x, source), from memory when x (by SHA-256) was read
 * before; "days_left" counts from now either way.  Without
 * factsmemo_enable() it is out_json_cert().
 */
json_t	*factsmemo_json(X509 *x, enum cert_source source);

#endif
