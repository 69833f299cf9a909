/* cfg-crm.c - the servers of a Dynamics CRM E-mail Router configuration. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <openssl/http.h>

#include "lazyxml.h"
#include "msg.h"
#include "scansrc.h"

#define CRM_MAX_BYTES	(8 * 1024 * 1024)	/* of one configuration */
#define CRM_MAX_DEPTH	64

/*
 * Microsoft.Crm.Tools.EmailAgent.xml keeps each incoming and outgoing
 * profile's server as a URL (EmailServerUrl, Location: https:// for
 * Exchange Web Services, imap://, pop3:// ...) or as a server name with
 * the profile's protocol, port and SSL switch.  The CRM server itself
 * (CrmServerUrl) is a server the router talks to as well.
 */
static const char *const url_schemes[] = {
	"https", "imaps", "pop3s", "smtps", "imap", "pop3", "smtp", NULL
};

/* The text of node's child element called name, or NULL (xmlFree). */
static xmlChar *
child_text(xmlNode *node, const char *name)
{
	xmlNode *c;

	for (c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    xmlStrcasecmp(c->name, (const xmlChar *)name) == 0)
			return xmlNodeGetContent(c);
	return NULL;
}

/* "element" or "parent/element", for the origin. */
static char *
setting_name(xmlNode *n)
{
	if (n->parent != NULL && n->parent->type == XML_ELEMENT_NODE)
		return xasprintf("%s/%s", (const char *)n->parent->name,
		    (const char *)n->name);
	return xstrdup((const char *)n->name);
}

/* A URL with a TLS scheme: added as it is.  1 if it was one. */
static int
add_url(xmlNode *n, const char *text, const char *file,
    struct scan_list *l)
{
	char *scheme = NULL, *set;
	int i, ok = 0;

	if (!OSSL_parse_url(text, &scheme, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL))
		return 0;
	for (i = 0; url_schemes[i] != NULL; i++)
		if (strcasecmp(scheme, url_schemes[i]) == 0)
			ok = 1;
	OPENSSL_free(scheme);
	if (!ok)
		return 0;
	set = setting_name(n);
	scan_list_add(l, text, file, (size_t)xmlGetLineNo(n), set,
	    "verify");
	free(set);
	return 1;
}

/* A profile with Server, Protocol, Port and UseSsl elements. */
static void
add_profile_server(xmlNode *n, const char *server, const char *file,
    struct scan_list *l)
{
	xmlChar *proto = child_text(n->parent, "Protocol");
	xmlChar *port = child_text(n->parent, "Port");
	xmlChar *ssl = child_text(n->parent, "UseSsl");
	const char *p = proto ? (const char *)proto : "";
	int tls = ssl != NULL && (xmlStrcasecmp(ssl,
	    (const xmlChar *)"true") == 0 || xmlStrcmp(ssl,
	    (const xmlChar *)"1") == 0);
	const char *scheme;
	char *t, *set;

	if (strcasecmp(p, "pop3") == 0)
		scheme = tls ? "pop3s" : "pop3";
	else if (strcasecmp(p, "imap") == 0)
		scheme = tls ? "imaps" : "imap";
	else if (strcasecmp(p, "smtp") == 0)
		scheme = tls ? "smtps" : "smtp";
	else
		scheme = "https";	/* Exchange */
	if (port != NULL && (xmlStrlen(port) == 0 || xmlStrlen(port) > 5 ||
	    strspn((const char *)port, "0123456789") !=
	    (size_t)xmlStrlen(port))) {
		xmlFree(port);
		port = NULL;
	}
	t = xasprintf("%s://%s%s%s", scheme, server, port ? ":" : "",
	    port ? (const char *)port : "");
	set = setting_name(n);
	scan_list_add(l, t, file, (size_t)xmlGetLineNo(n), set, "verify");
	free(set);
	free(t);
	xmlFree(proto);
	xmlFree(port);
	xmlFree(ssl);
}

static void
walk(xmlNode *n, const char *file, struct scan_list *l, int depth)
{
	xmlChar *c;
	char *s, *end;

	for (; n != NULL && depth < CRM_MAX_DEPTH; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->children != NULL && n->children->type ==
		    XML_TEXT_NODE && n->children->next == NULL &&
		    (c = xmlNodeGetContent(n)) != NULL) {
			s = (char *)c + strspn((char *)c, " \t\r\n");
			end = s + strlen(s);
			while (end > s && strchr(" \t\r\n", end[-1]))
				*--end = '\0';
			if (*s != '\0' && !add_url(n, s, file, l) &&
			    (xmlStrcasecmp(n->name, (const xmlChar *)
			    "Server") == 0 || xmlStrcasecmp(n->name,
			    (const xmlChar *)"EmailServer") == 0) &&
			    strchr(s, '/') == NULL)
				add_profile_server(n, s, file, l);
			xmlFree(c);
		}
		walk(n->children, file, l, depth + 1);
	}
}

/* The file, at most CRM_MAX_BYTES.  NULL after reporting. */
static char *
slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "re");
	char *buf = NULL, *e;
	size_t n;

	if (f != NULL) {
		buf = xmalloc(CRM_MAX_BYTES + 1);
		n = fread(buf, 1, CRM_MAX_BYTES + 1, f);
		if (!ferror(f) && n <= CRM_MAX_BYTES) {
			fclose(f);
			*len = n;
			return buf;
		}
		errno = ferror(f) ? errno : EFBIG;
		fclose(f);
		free(buf);
	}
	e = msg_escape(file);
	msg_error("cannot read %s: %s", e, errno == EFBIG ?
	    "larger than 8 MiB" : strerror(errno));
	free(e);
	return NULL;
}

int
scansrc_crm(const char *file, struct scan_list *l)
{
	const xmlError *err;
	xmlDoc *doc;
	char *buf, *e, *m;
	size_t len;

	if (lazyxml_load() != 0) {
		e = msg_escape(file);
		msg_error("cannot read %s: cannot load libxml2: %s", e,
		    lazyxml_error());
		free(e);
		return -1;
	}
	if ((buf = slurp(file, &len)) == NULL)
		return -1;
	/* No network, no external entities, no DTD: the file alone. */
	doc = xmlReadMemory(buf, (int)len, file, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
	free(buf);
	if (doc == NULL) {
		err = xmlGetLastError();
		m = xstrdup(err && err->message ? err->message :
		    "not XML");
		m[strcspn(m, "\n")] = '\0';
		e = msg_escape(file);
		msg_error("cannot read %s: %s (line %d)", e, m,
		    err ? err->line : 0);
		free(e);
		free(m);
		return -1;
	}
	walk(xmlDocGetRootElement(doc), file, l, 0);
	xmlFreeDoc(doc);
	return 0;
}
