/* anchors.h - the trust anchors of a diagnosis: files, dirs, the default. */
#ifndef TRUSTFIX_ANCHORS_H
#define TRUSTFIX_ANCHORS_H

#include <openssl/x509.h>

/*
 * Add the certificates of path to st: a file (PEM with several
 * certificates, DER, PKCS#7...) or a directory of such files under any
 * names (a hashed directory too).  Returns the number added, or -1
 * after reporting.
 */
int	anchors_add_path(X509_STORE *st, const char *path);

/*
 * OpenSSL's default locations, honouring SSL_CERT_FILE / SSL_CERT_DIR.
 * The caller frees the store.
 */
X509_STORE *anchors_default(void);

/*
 * The distribution's default anchors (OpenSSL's default verify file and
 * directory, not SSL_CERT_FILE/SSL_CERT_DIR overrides), loaded once and
 * cached; NULL if none could be read.  *where names them.  Lent: do not
 * free.
 */
X509_STORE *anchors_distribution(const char **where);

#endif
