/* lazyxml.c - load libxml2 on first use, so that most runs start faster. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "lazyxml.h"

/*
 * Linked at build time, libxml2 and what it pulls in (ICU, libstdc++)
 * cost about 3 ms at every start, while only the CRM E-mail Router's
 * configuration (scan --from crm) is XML.  So trustfix defines the
 * functions cfg-crm.c calls, each a trampoline to the real one, found on
 * first use (as lazyarchive.c does for libarchive).  xmlFree is a
 * variable in libxml2: ours calls libxml2's.
 *
 * F(type, name, parameters, arguments, value on failure); V(name,
 * parameters, arguments) for void.  Prototypes as in libxml2's headers.
 */
#define LAZYXML_FUNCTIONS(F, V) \
	F(xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc), \
	    NULL) \
	V(xmlFreeDoc, (xmlDocPtr cur), (cur)) \
	F(xmlErrorPtr, xmlGetLastError, (void), (), NULL) \
	F(long, xmlGetLineNo, (const xmlNode *node), (node), -1) \
	F(xmlChar *, xmlNodeGetContent, (const xmlNode *cur), (cur), NULL) \
	F(xmlDocPtr, xmlReadMemory, \
	    (const char *buffer, int size, const char *URL, \
	    const char *encoding, int options), \
	    (buffer, size, URL, encoding, options), NULL) \
	F(int, xmlStrcasecmp, (const xmlChar *str1, const xmlChar *str2), \
	    (str1, str2), -1) \
	F(int, xmlStrcmp, (const xmlChar *str1, const xmlChar *str2), \
	    (str1, str2), -1) \
	F(int, xmlStrlen, (const xmlChar *str), (str), 0)

/* The real functions, once loaded. */
static struct {
#define F(type, name, params, args, onfail) type (*name)params;
#define V(name, params, args)	void (*name)params;
	LAZYXML_FUNCTIONS(F, V)
#undef F
#undef V
} real;

static xmlFreeFunc real_free;

static int	state;		/* 0 not tried, 1 loaded, -1 failed */
static char	why[256] = "libxml2 is not loaded";

/* Only what libxml2 allocated reaches it, so libxml2 is loaded by then. */
static void
free_trampoline(void *p)
{
	if (lazyxml_load() == 0)
		real_free(p);
}

xmlFreeFunc xmlFree = free_trampoline;

int
lazyxml_load(void)
{
	xmlFreeFunc *free_var;
	const char *e;
	void *h;

	if (state != 0)
		return state > 0 ? 0 : -1;
	state = -1;
	if ((h = dlopen(LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		goto fail;
#define F(type, name, params, args, onfail) \
	if ((real.name = (type (*)params)dlsym(h, #name)) == NULL) \
		goto fail;
#define V(name, params, args)	F(void, name, params, args, 0)
	LAZYXML_FUNCTIONS(F, V)
#undef F
#undef V
	if ((free_var = (xmlFreeFunc *)dlsym(h, "xmlFree")) == NULL ||
	    *free_var == NULL)
		goto fail;
	real_free = *free_var;
	state = 1;
	return 0;
fail:
	e = dlerror();
	snprintf(why, sizeof(why), "%s", e != NULL ? e : "unknown error");
	if (h != NULL)
		dlclose(h);
	return -1;
}

const char *
lazyxml_error(void)
{
	return why;
}

#define F(type, name, params, args, onfail) \
type \
name params \
{ \
	if (lazyxml_load() < 0) \
		return onfail; \
	return real.name args; \
}
#define V(name, params, args) \
void \
name params \
{ \
	if (lazyxml_load() == 0) \
		real.name args; \
}
LAZYXML_FUNCTIONS(F, V)
#undef F
#undef V
