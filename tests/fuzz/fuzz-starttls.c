/* fuzz-starttls.c - libFuzzer harness: the STARTTLS dialogues against a scripted peer. */
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"
#include "starttls.h"

/* Bytes a peer may queue before we read; the socket buffer holds them. */
#define PEER_MAX	(32 * 1024)

/*
 * The first byte picks SMTP, IMAP or POP3; the rest is everything the
 * server says, then it stops sending (but keeps reading).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum target_proto protos[] = {
		PROTO_SMTP, PROTO_IMAP, PROTO_POP3
	};
	char err[512];
	struct conn c;
	int sv[2];

	if (size < 1 || size - 1 > PEER_MAX)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	if (size > 1 && write(sv[1], data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	shutdown(sv[1], SHUT_WR);
	conn_init(&c, 5000, err, sizeof(err));
	c.fd = sv[0];
	snprintf(c.address, sizeof(c.address), "192.0.2.1");
	c.port = 25;
	(void)starttls_run(&c, protos[data[0] % 3]);
	conn_close(&c);
	close(sv[1]);
	return 0;
}
