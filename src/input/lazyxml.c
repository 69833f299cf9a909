/* lazyxml.c - load libxml2 on first use, so that most runs start faster. */
#include "config.h"

#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "lazylib.h"
#include "lazyxml.h"

/*
 * Linked at build time, libxml2 and what it pulls in (ICU, libstdc++)
 * cost about 3 ms at every start, while only the CRM E-mail Router's
 * configuration (scan --from crm) is XML.  So trustfix defines the
 * functions cfg-crm.c calls, each a trampoline to the real one, found on
 * first use by lazylib.c (as for libarchive).  xmlFree is a
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

/* Each function's index, name and address. */
enum {
	LAZYXML_FUNCTIONS(LAZYLIB_INDEX_F, LAZYLIB_INDEX_V)
	LZ_xmlFree,
	LZ_COUNT
};
static const char *const names[] = {
	LAZYXML_FUNCTIONS(LAZYLIB_NAME_F, LAZYLIB_NAME_V)
	"xmlFree"		/* a variable: a pointer to free() */
};
static void *addr[LZ_COUNT];

static struct lazylib lib = {
	LIBXML2_SONAME, names, addr, LZ_COUNT, 0, "libxml2 is not loaded"
};

static xmlFreeFunc real_free;

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
	if (lazylib_load(&lib) < 0)
		return -1;
	if (real_free == NULL &&
	    (real_free = *(xmlFreeFunc *)addr[LZ_xmlFree]) == NULL) {
		snprintf(lib.why, sizeof(lib.why), "xmlFree is not set");
		lib.state = -1;
		return -1;
	}
	return 0;
}

const char *
lazyxml_error(void)
{
	return lib.why;
}

LAZYXML_FUNCTIONS(LAZYLIB_TRAMPOLINE_F, LAZYLIB_TRAMPOLINE_V)
