/* addrclass.h - which addresses are not on the public internet. */
#ifndef TRUSTFIX_ADDRCLASS_H
#define TRUSTFIX_ADDRCLASS_H

#include <sys/socket.h>

/*
 * What kind of address sa is when it is not a public unicast one
 * ("loopback", "link-local", "private", "multicast", "unspecified",
 * "reserved"), or NULL when it is.  IPv4 inside IPv6 (mapped,
 * compatible, NAT64) is judged as IPv4.
 */
const char *addrclass_special(const struct sockaddr *sa);

#endif
