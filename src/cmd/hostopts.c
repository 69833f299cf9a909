/* hostopts.c - the options that point commands at the host's other stores. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "hostopts.h"
#include "load.h"
#include "msg.h"
#include "opt.h"

int
hostopts_handle(struct hostopts *h, int key, const char *arg)
{
	char *e;
	int bits;

	switch (key) {
	case OPT_HOME:
		h->hs.home = arg;
		return 0;
	case OPT_JAVA_KEYSTORE:
		h->hs.java_keystore = arg;
		return 0;
	case OPT_NSSDB:
		h->hs.nssdb = arg;
		return 0;
	case OPT_ALL_USERS:
		h->hs.all_users = 1;
		return 0;
	case OPT_JAVA_PASSWORD_FILE:
		hostopts_clear(h);
		if ((h->password = load_password_file(arg)) == NULL)
			return -1;
		h->hs.storepass = h->password;
		return 0;
	case OPT_ALSO:
		if ((bits = hoststore_also_parse(arg)) == -1) {
			e = msg_escape(arg);
			msg_error("--also: expected java, nss, dotnet or all, "
			    "not '%s'", e);
			free(e);
			return -1;
		}
		h->also = (unsigned)bits;
		return 0;
	case OPT_RELOAD:
		h->reload = 1;
		return 0;
	case OPT_SERVICE:
		if (h->nonly >= HOSTOPTS_MAX_SERVICES || *arg == '\0') {
			msg_error("--service: expected a configuration path, "
			    "at most %d times", HOSTOPTS_MAX_SERVICES);
			return -1;
		}
		h->only[h->nonly++] = arg;
		return 0;
	}
	return 1;
}

int
hostopts_opt(int key, const char *arg, void *ctx)
{
	return hostopts_handle(ctx, key, arg) == 0 ? 0 : -1;
}

void
hostopts_clear(struct hostopts *h)
{
	if (h->password != NULL) {
		OPENSSL_cleanse(h->password, strlen(h->password));
		free(h->password);
	}
	h->password = NULL;
	h->hs.storepass = NULL;
}

