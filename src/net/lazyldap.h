/* lazyldap.h - load OpenLDAP's libldap on first use: the check for callers. */
#ifndef LAZYLDAP_H
#define LAZYLDAP_H

/*
 * Load libldap unless done: 0, or -1 with the reason in lazyldap_error().
 * Call it before the first ldap_* call to report a missing library in the
 * caller's words; an ldap_* function called anyway fails (-1, NULL).
 */
int		 lazyldap_load(void);
const char	*lazyldap_error(void);

#endif
