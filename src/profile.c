/* profile.c - RFC 5280 profile rules that OpenSSL's verification skips. */
#include <stdlib.h>

#include <openssl/x509v3.h>

#include "facts.h"
#include "msg.h"
#include "profile.h"

void
profile_check(const struct certlist *path, int anchored, int server_auth,
    struct findings *out)
{
}
