/* fuzz-target.c - libFuzzer harness: target_parse on TARGET, --sni, --connect. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

/*
 * The input is split at its first two NUL bytes into TARGET, --sni and
 * --connect; a missing part is passed as NULL.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *part[3] = { NULL, NULL, NULL }, *p, *end;
	struct target t;
	int i;

	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	p = buf;
	for (i = 0; i < 3 && p <= end; i++) {
		part[i] = p;
		p += strlen(p) + 1;
	}
	memset(&t, 0, sizeof(t));
	if (target_parse(part[0], part[1], part[2], &t) == 0) {
		(void)target_is_network(&t);
		(void)target_proto_name(t.proto);
		(void)target_is_ip(t.host);
		(void)target_is_ip(t.connect_host);
	}
	target_clear(&t);
	free(buf);
	return 0;
}
