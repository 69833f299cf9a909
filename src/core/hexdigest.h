/* hexdigest.h - SHA-256 and SHA-1 of bytes as lower-case hex. */
#ifndef TRUSTFIX_HEXDIGEST_H
#define TRUSTFIX_HEXDIGEST_H

#include <stddef.h>

/* The n bytes of b as lower-case hex into hex (2 * n + 1 bytes). */
void	hex_encode(const unsigned char *b, size_t n, char *hex);

/* SHA-256 (SHA-1) of data into hex; 0, or -1 with hex "" when it fails. */
int	sha256_hex(const void *data, size_t len, char hex[65]);
int	sha1_hex(const void *data, size_t len, char hex[41]);

#endif
