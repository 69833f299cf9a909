/* store-pkcs11.c - what p11-kit's trust module holds, through PKCS#11. */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/pkcs11x.h>

#include "facts.h"
#include "fileutil.h"
#include "msg.h"
#include "spawn.h"
#include "store-int.h"

#define P11_MAX_SLOTS	64

struct p11_slot {
	CK_FUNCTION_LIST *f;
	CK_SLOT_ID	 id;
	char		*path;		/* the slot description: token path */
	int		 writable;
};

struct p11_view {
	void		*dl;		/* in-process module (directory) */
	CK_FUNCTION_LIST **mods;	/* configured modules (system) */
	CK_FUNCTION_LIST *single[2];
	char		*reserved;
	struct p11_slot	 slots[P11_MAX_SLOTS];
	size_t		 nslots;
};

static const char *
ckr_name(CK_RV rv)
{
	static char buf[128];

	switch (rv) {
	case CKR_TOKEN_WRITE_PROTECTED:
		return "the token is write-protected";
	case CKR_TEMPLATE_INCONSISTENT:
		return "the module rejected the object";
	case CKR_ATTRIBUTE_VALUE_INVALID:
		return "the module rejected an attribute";
	case CKR_ATTRIBUTE_READ_ONLY:
		return "the object is read-only: it comes from a file that "
		    "p11-kit does not write; remove that file instead";
	case CKR_DEVICE_ERROR:
		return "the module could not write its files";
	case CKR_GENERAL_ERROR:
	case CKR_FUNCTION_FAILED:
		/* p11-kit's trust module says no more when a write fails. */
		snprintf(buf, sizeof(buf), "the module failed (PKCS#11 error "
		    "0x%lx): is the disk full or the directory not writable?",
		    (unsigned long)rv);
		return buf;
	}
	snprintf(buf, sizeof(buf), "PKCS#11 error 0x%lx", (unsigned long)rv);
	return buf;
}

static char *
trim_field(const unsigned char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\0'))
		len--;
	return msg_escape_len((const char *)s, len);
}

static int
collect_slots(struct p11_view *v, CK_FUNCTION_LIST *f)
{
	CK_SLOT_ID ids[P11_MAX_SLOTS];
	CK_ULONG n = P11_MAX_SLOTS, i;
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	struct p11_slot *s;

	if (f->C_GetSlotList(CK_TRUE, ids, &n) != CKR_OK)
		return -1;
	for (i = 0; i < n && v->nslots < P11_MAX_SLOTS; i++) {
		if (f->C_GetSlotInfo(ids[i], &si) != CKR_OK ||
		    f->C_GetTokenInfo(ids[i], &ti) != CKR_OK)
			continue;
		s = &v->slots[v->nslots++];
		s->f = f;
		s->id = ids[i];
		s->path = trim_field(si.slotDescription,
		    sizeof(si.slotDescription));
		s->writable = !(ti.flags & CKF_WRITE_PROTECTED);
	}
	return 0;
}

static void
clear_slots(struct p11_view *v)
{
	size_t i;

	for (i = 0; i < v->nslots; i++)
		free(v->slots[i].path);
	v->nslots = 0;
}

static int
init_dir_module(struct p11_view *v)
{
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	args.pReserved = v->reserved;
	rv = v->single[0]->C_Initialize(&args);
	if (rv != CKR_OK) {
		msg_error("cannot initialise %s: %s", P11_TRUST_MODULE,
		    ckr_name(rv));
		return -1;
	}
	return collect_slots(v, v->single[0]);
}

int
p11v_open_dir(const char *dir, struct p11_view **out)
{
	static int loaded;
	struct p11_view *v;
	CK_C_GetFunctionList get;

	*out = NULL;
	/* The module keeps its first paths= for the life of the process. */
	if (loaded++) {
		msg_error("the trust module is already loaded in this "
		    "process");
		return -1;
	}
	v = xcalloc(1, sizeof(*v));
	v->reserved = xasprintf("paths='%s'", dir);
	v->dl = dlopen(P11_TRUST_MODULE, RTLD_NOW | RTLD_LOCAL);
	if (v->dl == NULL) {
		msg_error("cannot load the p11-kit trust module: %s",
		    dlerror());
		goto fail;
	}
	get = (CK_C_GetFunctionList)dlsym(v->dl, "C_GetFunctionList");
	if (get == NULL || get(&v->single[0]) != CKR_OK) {
		msg_error("%s is not a PKCS#11 module", P11_TRUST_MODULE);
		goto fail;
	}
	v->mods = v->single;
	if (init_dir_module(v) == -1)
		goto fail;
	*out = v;
	return 0;
fail:
	p11v_close(v);
	return -1;
}

int
p11v_open_system(struct p11_view **out)
{
	struct p11_view *v = xcalloc(1, sizeof(*v));
	size_t i;

	*out = NULL;
	v->mods = p11_kit_modules_load_and_initialize(P11_KIT_MODULE_TRUSTED);
	if (v->mods == NULL || v->mods[0] == NULL) {
		msg_error("p11-kit has no trust module configured "
		    "(is p11-kit-modules installed?)");
		p11v_close(v);
		return -1;
	}
	for (i = 0; v->mods[i] != NULL; i++)
		collect_slots(v, v->mods[i]);
	*out = v;
	return 0;
}

void
p11v_close(struct p11_view *v)
{
	if (v == NULL)
		return;
	clear_slots(v);
	if (v->dl != NULL) {
		if (v->single[0] != NULL)
			v->single[0]->C_Finalize(NULL);
		/* Not dlclose(): the module may have left threads or keys. */
	} else if (v->mods != NULL)
		p11_kit_modules_finalize_and_release(v->mods);
	free(v->reserved);
	free(v);
}

int
p11v_reload(struct p11_view *v)
{
	size_t i;

	clear_slots(v);
	if (v->dl != NULL) {
		v->single[0]->C_Finalize(NULL);
		return init_dir_module(v);
	}
	p11_kit_modules_finalize(v->mods);
	if (p11_kit_modules_initialize(v->mods, NULL) != CKR_OK) {
		msg_error("cannot initialise p11-kit's trust module again");
		return -1;
	}
	for (i = 0; v->mods[i] != NULL; i++)
		collect_slots(v, v->mods[i]);
	return 0;
}

const char *
p11v_writable_path(struct p11_view *v)
{
	size_t i;

	for (i = 0; i < v->nslots; i++)
		if (v->slots[i].writable)
			return v->slots[i].path;
	return NULL;
}

const char *
p11v_dir_path(struct p11_view *v)
{
	struct stat sb;
	size_t i;

	for (i = 0; i < v->nslots; i++)
		if (stat(v->slots[i].path, &sb) == 0 && S_ISDIR(sb.st_mode))
			return v->slots[i].path;
	return NULL;
}

/* Every object matching tmpl; *out is freed by the caller. */
static int
find_all(struct p11_slot *s, CK_SESSION_HANDLE h, CK_ATTRIBUTE *tmpl,
    CK_ULONG n, CK_OBJECT_HANDLE **out, CK_ULONG *count)
{
	CK_ULONG cap = 64, got;
	CK_RV rv;

	*out = xmalloc(cap * sizeof(**out));
	*count = 0;
	if ((rv = s->f->C_FindObjectsInit(h, tmpl, n)) != CKR_OK) {
		msg_error("cannot search %s: %s", s->path, ckr_name(rv));
		return -1;
	}
	for (;;) {
		if (*count == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		rv = s->f->C_FindObjects(h, *out + *count, cap - *count, &got);
		if (rv != CKR_OK || got == 0)
			break;
		*count += got;
	}
	s->f->C_FindObjectsFinal(h);
	return 0;
}

/* One attribute's value, allocated (NUL-terminated); NULL if absent. */
static unsigned char *
get_attr(struct p11_slot *s, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o,
    CK_ATTRIBUTE_TYPE type, CK_ULONG *len)
{
	CK_ATTRIBUTE a = { type, NULL, 0 };

	if (s->f->C_GetAttributeValue(h, o, &a, 1) != CKR_OK ||
	    a.ulValueLen == (CK_ULONG)-1)
		return NULL;
	a.pValue = xmalloc(a.ulValueLen + 1);
	if (s->f->C_GetAttributeValue(h, o, &a, 1) != CKR_OK) {
		free(a.pValue);
		return NULL;
	}
	((unsigned char *)a.pValue)[a.ulValueLen] = '\0';
	*len = a.ulValueLen;
	return a.pValue;
}

static int
get_bool(struct p11_slot *s, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o,
    CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL b = CK_FALSE;
	CK_ATTRIBUTE a = { type, &b, sizeof(b) };

	if (s->f->C_GetAttributeValue(h, o, &a, 1) != CKR_OK)
		return 0;
	return b == CK_TRUE;
}

static int
open_session(struct p11_slot *s, int rw, CK_SESSION_HANDLE *h)
{
	CK_FLAGS fl = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
	CK_RV rv;

	if ((rv = s->f->C_OpenSession(s->id, fl, NULL, NULL, h)) != CKR_OK) {
		msg_error("cannot open the token %s: %s", s->path,
		    ckr_name(rv));
		return -1;
	}
	return 0;
}

static unsigned char *
der_spki(X509 *x, int *len)
{
	unsigned char *der = NULL;

	*len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	return *len > 0 ? der : NULL;
}

struct staple {
	unsigned char	*spki;
	CK_ULONG	 spki_len;
	unsigned	 bits;
};

/* The stapled extendedKeyUsage objects of one token. */
static int
load_staples(struct p11_slot *s, CK_SESSION_HANDLE h, struct staple **out,
    size_t *n)
{
	CK_OBJECT_CLASS cls = CKO_X_CERTIFICATE_EXTENSION;
	CK_OBJECT_HANDLE *objs = NULL;
	CK_ULONG count = 0, i, len;
	unsigned char *oid, *val;
	int oid_len;
	CK_ATTRIBUTE tmpl[2];

	*out = NULL;
	*n = 0;
	oid = store_eku_oid_der(&oid_len);
	tmpl[0] = (CK_ATTRIBUTE){ CKA_CLASS, &cls, sizeof(cls) };
	tmpl[1] = (CK_ATTRIBUTE){ CKA_OBJECT_ID, oid, (CK_ULONG)oid_len };
	if (find_all(s, h, tmpl, 2, &objs, &count) == -1)
		count = 0;
	if (count > 0)
		*out = xcalloc(count, sizeof(**out));
	for (i = 0; i < count; i++) {
		struct staple *st = &(*out)[*n];

		st->spki = get_attr(s, h, objs[i], CKA_PUBLIC_KEY_INFO,
		    &st->spki_len);
		val = get_attr(s, h, objs[i], CKA_VALUE, &len);
		if (st->spki == NULL || val == NULL) {
			free(st->spki);
			free(val);
			continue;
		}
		st->bits = store_stapled_bits(val, len);
		free(val);
		(*n)++;
	}
	free(objs);
	OPENSSL_free(oid);
	return 0;
}

static void
free_staples(struct staple *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].spki);
	free(v);
}

/* Purposes: stapled to the key, else the certificate's own, else any. */
static unsigned
anchor_bits(const unsigned char *spki, CK_ULONG spki_len,
    const unsigned char *der, size_t der_len, const struct staple *st,
    size_t n)
{
	unsigned bits = 0;
	size_t i;

	for (i = 0; spki != NULL && i < n; i++)
		if (st[i].spki_len == spki_len &&
		    memcmp(st[i].spki, spki, spki_len) == 0)
			bits |= st[i].bits;
	return bits != 0 ? bits : store_own_eku_bits(der, (long)der_len);
}

/* Subject and expiry from the object's attributes, without decoding. */
static void
describe(struct p11_slot *s, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o,
    struct store_anchor *a)
{
	CK_DATE end;
	CK_ATTRIBUTE t = { CKA_END_DATE, &end, sizeof(end) };
	unsigned char *subj;
	const unsigned char *p;
	X509_NAME *name = NULL;
	X509 *x;
	CK_ULONG len;

	if ((subj = get_attr(s, h, o, CKA_SUBJECT, &len)) != NULL) {
		p = subj;
		name = d2i_X509_NAME(NULL, &p, (long)len);
		free(subj);
	}
	if (name != NULL && s->f->C_GetAttributeValue(h, o, &t, 1) ==
	    CKR_OK && t.ulValueLen == sizeof(end)) {
		a->subject = facts_name(name);
		snprintf(a->expires, sizeof(a->expires), "%.4s-%.2s-%.2s",
		    (char *)end.year, (char *)end.month, (char *)end.day);
	} else if ((x = store_anchor_get0_x509(a)) != NULL) {
		struct tm tm;

		a->subject = facts_subject(x);
		if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
			strftime(a->expires, sizeof(a->expires), "%Y-%m-%d",
			    &tm);
	}
	if (a->subject == NULL)
		a->subject = xstrdup("?");
	X509_NAME_free(name);
}

/*
 * Ownership is in the object as well as in its label: CKA_URL holds
 * OWNER_URL and the certificate's SHA-256.  A file placed by hand whose
 * label begins with trustfix: (p11-kit labels a PEM file by its CN) has
 * no mark, and a mark copied from another object names another
 * certificate.  No client reads CKA_URL when CKA_VALUE is there.
 */
#define OWNER_URL	"urn:trustfix:sha256:"

/* Is the certificate object o, whose SHA-256 is sha, one trustfix made? */
static int
is_ours(struct p11_slot *s, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o,
    const char *sha)
{
	unsigned char *label, *url;
	CK_ULONG len;
	int ours;

	label = get_attr(s, h, o, CKA_LABEL, &len);
	url = get_attr(s, h, o, CKA_URL, &len);
	ours = label != NULL && url != NULL &&
	    strncmp((char *)label, STORE_LABEL_PREFIX,
	    strlen(STORE_LABEL_PREFIX)) == 0 &&
	    strncmp((char *)url, OWNER_URL, strlen(OWNER_URL)) == 0 &&
	    strcmp((char *)url + strlen(OWNER_URL), sha) == 0;
	free(label);
	free(url);
	return ours;
}

static void
add_anchor(struct store_anchors *out, struct p11_slot *s,
    CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, unsigned char *der,
    CK_ULONG der_len, const struct staple *st, size_t nst)
{
	struct store_anchor *a;
	unsigned char *spki;
	CK_ULONG len, spki_len = 0;

	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	a = &out->v[out->n++];
	memset(a, 0, sizeof(*a));
	store_anchor_fill_der(a, der, der_len);
	describe(s, h, o, a);
	a->label = (char *)get_attr(s, h, o, CKA_LABEL, &len);
	if (a->label == NULL)
		a->label = xstrdup("");
	a->where = xstrdup(s->path);
	a->trustfix = is_ours(s, h, o, a->sha256);
	a->distribution = strncmp(s->path, "/usr/share/", 11) == 0;
	a->distrusted = get_bool(s, h, o, CKA_X_DISTRUSTED);
	spki = get_attr(s, h, o, CKA_PUBLIC_KEY_INFO, &spki_len);
	a->purposes = anchor_bits(spki, spki_len, der, der_len, st, nst);
	free(spki);
}

static int
list_slot(struct p11_slot *s, struct store_anchors *out)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof(cls) };
	CK_OBJECT_HANDLE *objs = NULL;
	CK_SESSION_HANDLE h;
	CK_ULONG count = 0, i, len;
	struct staple *st = NULL;
	size_t nst = 0;
	unsigned char *der;

	if (open_session(s, 0, &h) == -1)
		return -1;
	load_staples(s, h, &st, &nst);
	if (find_all(s, h, &tmpl, 1, &objs, &count) == -1)
		count = 0;
	for (i = 0; i < count; i++) {
		if (!get_bool(s, h, objs[i], CKA_TRUSTED) &&
		    !get_bool(s, h, objs[i], CKA_X_DISTRUSTED))
			continue;
		if ((der = get_attr(s, h, objs[i], CKA_VALUE, &len)) == NULL)
			continue;
		add_anchor(out, s, h, objs[i], der, len, st, nst);
	}
	free(objs);
	free_staples(st, nst);
	s->f->C_CloseSession(h);
	return 0;
}

int
p11v_list(struct p11_view *v, struct store_anchors *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < v->nslots; i++)
		if (list_slot(&v->slots[i], out) == -1) {
			store_anchors_clear(out);
			return -1;
		}
	return 0;
}

static struct p11_slot *
writable_slot(struct p11_view *v)
{
	size_t i;

	for (i = 0; i < v->nslots; i++)
		if (v->slots[i].writable)
			return &v->slots[i];
	msg_error("the trust module has no writable token");
	return NULL;
}

static int
create_staple(struct p11_slot *s, CK_SESSION_HANDLE h, X509 *x,
    const char *label, unsigned bits)
{
	CK_OBJECT_CLASS cls = CKO_X_CERTIFICATE_EXTENSION;
	CK_BBOOL yes = CK_TRUE;
	CK_OBJECT_HANDLE o;
	unsigned char *spki, *oid, *val;
	int spki_len, oid_len, val_len, rc = -1;
	CK_RV rv;

	spki = der_spki(x, &spki_len);
	oid = store_eku_oid_der(&oid_len);
	val = store_eku_ext_der(bits, &val_len);
	if (spki != NULL && oid != NULL && val != NULL) {
		CK_ATTRIBUTE t[] = {
			{ CKA_CLASS, &cls, sizeof(cls) },
			{ CKA_TOKEN, &yes, sizeof(yes) },
			{ CKA_LABEL, (void *)label, strlen(label) },
			{ CKA_PUBLIC_KEY_INFO, spki, (CK_ULONG)spki_len },
			{ CKA_OBJECT_ID, oid, (CK_ULONG)oid_len },
			{ CKA_VALUE, val, (CK_ULONG)val_len },
		};

		rv = s->f->C_CreateObject(h, t, 6, &o);
		if (rv == CKR_OK)
			rc = 0;
		else
			msg_error("cannot add the purpose restriction to %s: "
			    "%s", s->path, ckr_name(rv));
	}
	OPENSSL_free(spki);
	OPENSSL_free(oid);
	OPENSSL_free(val);
	return rc;
}

/* Destroy our stapled extendedKeyUsage objects for x's key (all: force). */
static int
destroy_staples(struct p11_slot *s, CK_SESSION_HANDLE h, X509 *x,
    int force)
{
	CK_OBJECT_CLASS cls = CKO_X_CERTIFICATE_EXTENSION;
	CK_OBJECT_HANDLE *objs = NULL;
	CK_ULONG count = 0, i, len;
	unsigned char *spki, *oid, *label;
	int spki_len, oid_len, n = 0;
	CK_ATTRIBUTE t[3];

	spki = der_spki(x, &spki_len);
	oid = store_eku_oid_der(&oid_len);
	t[0] = (CK_ATTRIBUTE){ CKA_CLASS, &cls, sizeof(cls) };
	t[1] = (CK_ATTRIBUTE){ CKA_PUBLIC_KEY_INFO, spki, (CK_ULONG)spki_len };
	t[2] = (CK_ATTRIBUTE){ CKA_OBJECT_ID, oid, (CK_ULONG)oid_len };
	if (spki == NULL || find_all(s, h, t, 3, &objs, &count) == -1)
		count = 0;
	for (i = 0; i < count; i++) {
		label = get_attr(s, h, objs[i], CKA_LABEL, &len);
		if (force || (label != NULL && strncmp((char *)label,
		    STORE_LABEL_PREFIX, strlen(STORE_LABEL_PREFIX)) == 0)) {
			if (s->f->C_DestroyObject(h, objs[i]) == CKR_OK)
				n++;
		}
		free(label);
	}
	free(objs);
	OPENSSL_free(spki);
	OPENSSL_free(oid);
	return n;
}

/*
 * Make purposes (0: any) the restriction on x's key.  p11-kit keeps one
 * staple per key and extension: a second one replaces the first in its
 * index (and a search after that reads freed memory in p11-kit 0.24),
 * and a staple cannot be rewritten in place (CKA_VALUE is read-only).
 * So the old one goes first; store-p11.c journals the change so that a
 * crash in between is completed by the next run.
 */
static int
replace_staples(struct p11_slot *s, CK_SESSION_HANDLE h, X509 *x,
    const char *label, unsigned purposes)
{
	destroy_staples(s, h, x, 0);
	fault_point("after-staple-destroy");
	if (purposes != 0 && create_staple(s, h, x, label, purposes) == -1)
		return -1;
	return 0;
}

/* Is a certificate with x's key still in the token? */
static int
key_in_token(struct p11_slot *s, CK_SESSION_HANDLE h, X509 *x)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_OBJECT_HANDLE *objs = NULL;
	CK_ULONG count = 0;
	unsigned char *spki;
	int spki_len;

	if ((spki = der_spki(x, &spki_len)) == NULL)
		return 1;	/* keep the restriction when unsure */
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_PUBLIC_KEY_INFO, spki, (CK_ULONG)spki_len },
	};
	if (find_all(s, h, t, 2, &objs, &count) == -1)
		count = 1;
	free(objs);
	OPENSSL_free(spki);
	return count > 0;
}

int
p11v_set_purposes(struct p11_view *v, X509 *x, const char *label,
    unsigned purposes)
{
	struct p11_slot *s;
	CK_SESSION_HANDLE h;
	int rc = -1;

	if ((s = writable_slot(v)) == NULL || open_session(s, 1, &h) == -1)
		return -1;
	rc = replace_staples(s, h, x, label, purposes);
	s->f->C_CloseSession(h);
	return rc;
}

int
p11v_create(struct p11_view *v, X509 *x, const char *label,
    unsigned purposes)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE type = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_OBJECT_HANDLE o;
	CK_SESSION_HANDLE h;
	struct p11_slot *s;
	unsigned char *der = NULL, *spki = NULL, keyhash[EVP_MAX_MD_SIZE];
	unsigned keyhash_len;
	char sha[65], *url = NULL;
	int len, spki_len, rc = -1;
	CK_ULONG n;
	CK_RV rv;

	if ((s = writable_slot(v)) == NULL || open_session(s, 1, &h) == -1)
		return -1;
	/* p11-kit takes CKA_URL only with the key hashes: its own ones. */
	if ((len = i2d_X509(x, &der)) <= 0 ||
	    (spki = der_spki(x, &spki_len)) == NULL || !EVP_Digest(spki,
	    (size_t)spki_len, keyhash, &keyhash_len, EVP_sha1(), NULL)) {
		msg_error("cannot encode the certificate: %s",
		    msg_ossl_reason());
		goto out;
	}
	facts_sha256(x, sha);
	url = xasprintf("%s%s", OWNER_URL, sha);
	/* The restriction first: a crash must not leave a wider anchor. */
	if (replace_staples(s, h, x, label, purposes) == -1)
		goto out;
	fault_point("after-extension");
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_CERTIFICATE_TYPE, &type, sizeof(type) },
		{ CKA_TOKEN, &yes, sizeof(yes) },
		{ CKA_TRUSTED, &yes, sizeof(yes) },
		{ CKA_X_DISTRUSTED, &no, sizeof(no) },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_VALUE, der, (CK_ULONG)len },
		{ CKA_URL, url, strlen(url) },
		{ CKA_HASH_OF_SUBJECT_PUBLIC_KEY, keyhash, keyhash_len },
		/* Its own key when it names itself and signed itself. */
		{ CKA_HASH_OF_ISSUER_PUBLIC_KEY, keyhash, keyhash_len },
	};
	n = (X509_get_extension_flags(x) & EXFLAG_SS) ? 10 : 9;
	if ((rv = s->f->C_CreateObject(h, t, n, &o)) != CKR_OK) {
		msg_error("cannot add the anchor to %s: %s", s->path,
		    ckr_name(rv));
		goto out;
	}
	rc = 0;
out:
	OPENSSL_free(der);
	OPENSSL_free(spki);
	free(url);
	s->f->C_CloseSession(h);
	return rc;
}

static int
destroy_in_slot(struct p11_slot *s, X509 *x, int force)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_OBJECT_HANDLE *objs = NULL;
	CK_SESSION_HANDLE h;
	CK_ULONG count = 0, i;
	unsigned char *der = NULL;
	char sha[65];
	int dlen, n = 0;
	CK_RV rv;

	if (open_session(s, 1, &h) == -1)
		return -1;
	if ((dlen = i2d_X509(x, &der)) <= 0) {
		n = -1;
		goto out;
	}
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_VALUE, der, (CK_ULONG)dlen },
	};
	if (find_all(s, h, t, 2, &objs, &count) == -1)
		count = 0;
	facts_sha256(x, sha);
	for (i = 0; i < count; i++) {
		if (force || is_ours(s, h, objs[i], sha)) {
			rv = s->f->C_DestroyObject(h, objs[i]);
			if (rv != CKR_OK) {
				msg_error("cannot remove the anchor from %s: "
				    "%s", s->path, ckr_name(rv));
				n = -1;
				goto out;
			}
			n++;
		}
	}
	fault_point("after-destroy");
	/* The restriction is the key's: keep it for another anchor. */
	if (!key_in_token(s, h, x))
		destroy_staples(s, h, x, force);
out:
	free(objs);
	OPENSSL_free(der);
	s->f->C_CloseSession(h);
	return n;
}

int
p11v_destroy(struct p11_view *v, X509 *x, int force)
{
	size_t i;
	int n = 0, k;

	for (i = 0; i < v->nslots; i++) {
		if (!v->slots[i].writable)
			continue;
		if ((k = destroy_in_slot(&v->slots[i], x, force)) == -1)
			return -1;
		n += k;
	}
	return n;
}

