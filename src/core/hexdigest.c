/* hexdigest.c - SHA-256 and SHA-1 of bytes as lower-case hex. */
#include "config.h"

#include <pthread.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "hexdigest.h"

static EVP_MD *sha256, *sha1;
static pthread_once_t fetched = PTHREAD_ONCE_INIT;

/* Fetched once: an implicit fetch per digest costs a lock each time. */
static void
fetch(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

void
hex_encode(const unsigned char *b, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

static int
digest_hex(const EVP_MD *md, size_t size, const void *data, size_t len,
    char *hex)
{
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (md == NULL || !EVP_Digest(data, len, out, &n, md, NULL) ||
	    n != size) {
		ERR_clear_error();
		return -1;
	}
	hex_encode(out, n, hex);
	return 0;
}

int
sha256_hex(const void *data, size_t len, char hex[65])
{
	(void)pthread_once(&fetched, fetch);
	return digest_hex(sha256, 32, data, len, hex);
}

int
sha1_hex(const void *data, size_t len, char hex[41])
{
	(void)pthread_once(&fetched, fetch);
	return digest_hex(sha1, 20, data, len, hex);
}
