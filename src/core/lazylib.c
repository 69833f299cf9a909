/* lazylib.c - load a shared library on first use and find its symbols. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "lazylib.h"

int
lazylib_load(struct lazylib *l)
{
	const char *e;
	void *h;
	size_t i;

	if (l->state != 0)
		return l->state > 0 ? 0 : -1;
	l->state = -1;
	if ((h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		goto fail;
	for (i = 0; i < l->n; i++)
		if ((l->addr[i] = dlsym(h, l->names[i])) == NULL)
			goto fail;
	l->state = 1;
	return 0;
fail:
	e = dlerror();
	snprintf(l->why, sizeof(l->why), "%s", e != NULL ? e : "unknown error");
	if (h != NULL)
		dlclose(h);
	return -1;
}
