/* fuzz-devprofile.c - libFuzzer harness: devprofile_parse. */
#include <stdint.h>
#include <stdlib.h>

#include "devprofile.h"

/* The whole input is one profile file, at most as large as one we read. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > DEVPROFILE_MAX_SIZE)
		return 0;
	devprofile_free(devprofile_parse((const char *)data, size, "fuzz"));
	return 0;
}
