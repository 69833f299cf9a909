/* unit-addrclass.c - which addresses AIA, OCSP and CRL downloads avoid. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "addrclass.h"
#include "tap.h"

struct row {
	const char	*addr;
	const char	*want;		/* NULL: public */
};

static const struct row rows[] = {
	{ "127.0.0.1", "loopback" },
	{ "127.255.1.2", "loopback" },
	{ "0.0.0.0", "unspecified" },
	{ "169.254.169.254", "link-local" },	/* cloud metadata */
	{ "10.1.2.3", "private" },
	{ "172.16.0.1", "private" },
	{ "172.31.255.254", "private" },
	{ "172.32.0.1", NULL },
	{ "172.15.255.255", NULL },
	{ "192.168.1.1", "private" },
	{ "192.169.0.1", NULL },
	{ "100.64.0.1", "private" },
	{ "100.128.0.1", NULL },
	{ "198.18.0.1", "private" },
	{ "224.0.0.251", "multicast" },
	{ "239.255.255.250", "multicast" },
	{ "240.0.0.1", "reserved" },
	{ "255.255.255.255", "reserved" },
	{ "8.8.8.8", NULL },
	{ "93.184.216.34", NULL },
	{ "::", "unspecified" },
	{ "::1", "loopback" },
	{ "fe80::1", "link-local" },
	{ "febf::1", "link-local" },
	{ "fec0::1", "private" },
	{ "fc00::1", "private" },
	{ "fd12:3456::1", "private" },
	{ "ff02::1", "multicast" },
	{ "::ffff:127.0.0.1", "loopback" },
	{ "::ffff:169.254.169.254", "link-local" },
	{ "::ffff:8.8.8.8", NULL },
	{ "::127.0.0.1", "loopback" },
	{ "64:ff9b::10.0.0.1", "private" },
	{ "64:ff9b::8.8.8.8", NULL },
	{ "2001:4860:4860::8888", NULL },
	{ "2606:4700::1111", NULL },
};

int
main(void)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	const struct sockaddr *sa;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&s4, 0, sizeof(s4));
		memset(&s6, 0, sizeof(s6));
		s4.sin_family = AF_INET;
		s6.sin6_family = AF_INET6;
		if (inet_pton(AF_INET, rows[i].addr, &s4.sin_addr) == 1)
			sa = (const struct sockaddr *)&s4;
		else if (inet_pton(AF_INET6, rows[i].addr,
		    &s6.sin6_addr) == 1)
			sa = (const struct sockaddr *)&s6;
		else {
			ok(0, "%s parses", rows[i].addr);
			continue;
		}
		is_str(addrclass_special(sa), rows[i].want, "%s: %s",
		    rows[i].addr, rows[i].want ? rows[i].want : "public");
	}
	return tap_done();
}
