/* addrclass.c - which addresses are not on the public internet. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "addrclass.h"

/*
 * The policy, as ranges (RFC 6890 and its updates):
 *   IPv4  0/8 unspecified, 127/8 loopback, 169.254/16 link-local,
 *         10/8 172.16/12 192.168/16 100.64/10 (shared, CGNAT) private,
 *         192.0.0/24 (protocol assignments) 198.18/15 (benchmarking)
 *         private, 224/4 multicast, 240/4 and 255.255.255.255 reserved;
 *   IPv6  :: unspecified, ::1 loopback, fe80::/10 link-local,
 *         fc00::/7 and fec0::/10 private, ff00::/8 multicast;
 *         ::ffff:0:0/96, ::/96 and 64:ff9b::/96 carry an IPv4 address.
 */
struct range4 {
	uint32_t	 net;
	int		 bits;
	const char	*kind;
};

static const struct range4 v4[] = {
	{ 0x00000000, 8, "unspecified" },
	{ 0x7f000000, 8, "loopback" },
	{ 0xa9fe0000, 16, "link-local" },
	{ 0x0a000000, 8, "private" },
	{ 0xac100000, 12, "private" },
	{ 0xc0a80000, 16, "private" },
	{ 0x64400000, 10, "private" },
	{ 0xc0000000, 24, "private" },
	{ 0xc6120000, 15, "private" },
	{ 0xe0000000, 4, "multicast" },
	{ 0xf0000000, 4, "reserved" },
};

static const char *
special4(uint32_t a)
{
	size_t i;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		if ((a & (0xffffffffu << (32 - v4[i].bits))) == v4[i].net)
			return v4[i].kind;
	return NULL;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static const char *
special6(const uint8_t *a)
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff,
	    [11] = 0xff }, nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (memcmp(a, zero, 16) == 0)
		return "unspecified";
	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return "loopback";
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, zero, 12) == 0 ||
	    memcmp(a, nat64, 12) == 0)
		return special4(be32(a + 12));
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local";
	if ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0))
		return "private";
	if (a[0] == 0xff)
		return "multicast";
	return NULL;
}

const char *
addrclass_special(const struct sockaddr *sa)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return special4(be32((const uint8_t *)&s4->sin_addr));
	if (sa->sa_family == AF_INET6)
		return special6(s6->sin6_addr.s6_addr);
	return "reserved";
}
