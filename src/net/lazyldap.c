/* lazyldap.c - load libldap on first use, so that most runs start faster. */
#include "config.h"

#include <lber.h>
#include <ldap.h>
#include <openldap.h>

#include "lazyldap.h"
#include "lazylib.h"

/*
 * Linked at build time, libldap and what it pulls in (GnuTLS, SASL) cost
 * about 4 ms at every start, GnuTLS's initialisation most of it, while
 * only ldap:// AIA and CRL URLs need them.  So trustfix defines the
 * functions ldapget.c calls, each a trampoline to the real one, found on
 * first use by lazylib.c (as for libarchive).  liblber's functions
 * are found through libldap, which depends on it.
 *
 * F(type, name, parameters, arguments, value on failure); V(name,
 * parameters, arguments) for void.  Prototypes exactly as in <ldap.h>,
 * <lber.h> and <openldap.h>.
 */
#define LAZYLDAP_FUNCTIONS(F, V) \
	V(ber_free, (BerElement *ber, int freebuf), (ber, freebuf)) \
	F(int, ber_sockbuf_ctrl, (Sockbuf *sb, int opt, void *arg), \
	    (sb, opt, arg), -1) \
	F(char *, ldap_err2string, (int err), (err), lib.why) \
	F(char *, ldap_first_attribute, \
	    (LDAP *ld, LDAPMessage *entry, BerElement **ber), \
	    (ld, entry, ber), NULL) \
	V(ldap_free_urldesc, (LDAPURLDesc *ludp), (ludp)) \
	F(int, ldap_get_option, (LDAP *ld, int option, void *outvalue), \
	    (ld, option, outvalue), -1) \
	F(struct berval **, ldap_get_values_len, \
	    (LDAP *ld, LDAPMessage *entry, LDAP_CONST char *target), \
	    (ld, entry, target), NULL) \
	F(int, ldap_init_fd, \
	    (ber_socket_t fd, int proto, LDAP_CONST char *url, LDAP **ldp), \
	    (fd, proto, url, ldp), -1) \
	V(ldap_memfree, (void *p), (p)) \
	F(int, ldap_msgfree, (LDAPMessage *lm), (lm), -1) \
	F(int, ldap_msgtype, (LDAPMessage *lm), (lm), -1) \
	F(char *, ldap_next_attribute, \
	    (LDAP *ld, LDAPMessage *entry, BerElement *ber), \
	    (ld, entry, ber), NULL) \
	F(int, ldap_parse_result, \
	    (LDAP *ld, LDAPMessage *res, int *errcodep, char **matcheddnp, \
	    char **diagmsgp, char ***referralsp, LDAPControl ***serverctrls, \
	    int freeit), \
	    (ld, res, errcodep, matcheddnp, diagmsgp, referralsp, \
	    serverctrls, freeit), -1) \
	F(int, ldap_result, \
	    (LDAP *ld, int msgid, int all, struct timeval *timeout, \
	    LDAPMessage **result), (ld, msgid, all, timeout, result), -1) \
	F(int, ldap_sasl_bind, \
	    (LDAP *ld, LDAP_CONST char *dn, LDAP_CONST char *mechanism, \
	    struct berval *cred, LDAPControl **serverctrls, \
	    LDAPControl **clientctrls, int *msgidp), \
	    (ld, dn, mechanism, cred, serverctrls, clientctrls, msgidp), -1) \
	F(int, ldap_search_ext, \
	    (LDAP *ld, LDAP_CONST char *base, int scope, \
	    LDAP_CONST char *filter, char **attrs, int attrsonly, \
	    LDAPControl **serverctrls, LDAPControl **clientctrls, \
	    struct timeval *timeout, int sizelimit, int *msgidp), \
	    (ld, base, scope, filter, attrs, attrsonly, serverctrls, \
	    clientctrls, timeout, sizelimit, msgidp), -1) \
	F(int, ldap_set_option, \
	    (LDAP *ld, int option, LDAP_CONST void *invalue), \
	    (ld, option, invalue), -1) \
	F(int, ldap_unbind_ext, \
	    (LDAP *ld, LDAPControl **serverctrls, LDAPControl **clientctrls), \
	    (ld, serverctrls, clientctrls), -1) \
	F(int, ldap_url_parse, (LDAP_CONST char *url, LDAPURLDesc **ludpp), \
	    (url, ludpp), -1) \
	V(ldap_value_free_len, (struct berval **vals), (vals))

/* Each function's index, name and address. */
enum {
	LAZYLDAP_FUNCTIONS(LAZYLIB_INDEX_F, LAZYLIB_INDEX_V)
	LZ_COUNT
};
static const char *const names[] = {
	LAZYLDAP_FUNCTIONS(LAZYLIB_NAME_F, LAZYLIB_NAME_V)
};
static void *addr[LZ_COUNT];

static struct lazylib lib = {
	LIBLDAP_SONAME, names, addr, LZ_COUNT, 0, "libldap is not loaded"
};

int
lazyldap_load(void)
{
	return lazylib_load(&lib);
}

const char *
lazyldap_error(void)
{
	return lib.why;
}

LAZYLDAP_FUNCTIONS(LAZYLIB_TRAMPOLINE_F, LAZYLIB_TRAMPOLINE_V)
