/* load.c - certificates from PEM, DER, PKCS#7, PKCS#12 and archives. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "lazyarchive.h"
#include "load.h"
#include "msg.h"

#define MB(n)		((n) / (1024 * 1024))
#define NOT_FOUND	(-2)	/* nothing recognised; not reported yet */
#define MAX_SKIP_WARN	10	/* "skipping" warnings; then a count */

/* One load_buffer() call, with what its archives have unpacked so far. */
struct loader {
	const struct load_opts	*opts;
	struct certlist		*list;
	size_t			 unpacked;
	int			 skipped;	/* members skipped */
	char			 why[256];	/* for NOT_FOUND */
};

static int	load_mem(struct loader *, const unsigned char *, size_t,
		    const char *, int);

/* Print "NAME: message" with NAME escaped. */
static void __attribute__((format(printf, 2, 3)))
load_error(const char *name, const char *fmt, ...)
{
	char *e = msg_escape(name), *m;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		msg_oom();
	va_end(ap);
	msg_error("%s: %s", e, m);
	free(m);
	free(e);
}

/* Takes ownership of x.  -1 after reporting when the list is full. */
static int
add_cert(struct loader *ld, X509 *x, const char *name)
{
	if (ld->list->n >= LOAD_MAX_CERTS) {
		load_error(name, "more than %d certificates", LOAD_MAX_CERTS);
		X509_free(x);
		return -1;
	}
	certlist_add0(ld->list, x, name, SOURCE_FILE);
	return 0;
}

static int
add_stack(struct loader *ld, STACK_OF(X509) *sk, const char *name)
{
	int i;

	for (i = 0; i < sk_X509_num(sk); i++) {
		X509 *x = sk_X509_value(sk, i);

		X509_up_ref(x);
		if (add_cert(ld, x, name) != 0)
			return -1;
	}
	return 0;
}

/* The certificates of a PKCS#7 structure (DER), or NOT_FOUND. */
static int
load_pkcs7(struct loader *ld, const unsigned char *buf, long len,
    const char *name)
{
	const unsigned char *p = buf;
	STACK_OF(X509) *certs = NULL;
	PKCS7 *p7;
	int rc = NOT_FOUND;

	if ((p7 = d2i_PKCS7(NULL, &p, len)) == NULL || p != buf + len)
		goto out;
	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	else if (PKCS7_type_is_signedAndEnveloped(p7) &&
	    p7->d.signed_and_enveloped != NULL)
		certs = p7->d.signed_and_enveloped->cert;
	if (sk_X509_num(certs) <= 0) {
		snprintf(ld->why, sizeof(ld->why),
		    "a PKCS#7 structure without certificates");
		goto out;
	}
	rc = add_stack(ld, certs, name);
out:
	ERR_clear_error();
	PKCS7_free(p7);
	return rc;
}

/* PKCS12_parse() with password pw, loading the legacy provider if the
 * file uses RC2 or 3DES, as Windows exports do. */
static int
p12_parse(PKCS12 *p12, const char *pw, EVP_PKEY **pkey, X509 **cert,
    STACK_OF(X509) **ca)
{
	static int legacy;

	if (PKCS12_parse(p12, pw, pkey, cert, ca))
		return 1;
	if (legacy)
		return 0;
	ERR_clear_error();
	legacy = 1;
	if (OSSL_PROVIDER_try_load(NULL, "legacy", 1) == NULL)
		return 0;
	return PKCS12_parse(p12, pw, pkey, cert, ca);
}

/* Which of the passwords opens p12: index into pws, or -1. */
static int
p12_password(PKCS12 *p12, const char *const *pws, int n)
{
	int i;

	if (!PKCS12_mac_present(p12))
		return 0;
	for (i = 0; i < n; i++) {
		if (PKCS12_verify_mac(p12, pws[i],
		    pws[i] == NULL ? 0 : (int)strlen(pws[i])))
			return i;
		ERR_clear_error();
	}
	return -1;
}

static int
load_pkcs12(struct loader *ld, const unsigned char *buf, long len,
    const char *name)
{
	const unsigned char *p = buf;
	const char *pws[3];
	STACK_OF(X509) *ca = NULL;
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	size_t before = ld->list->n;
	PKCS12 *p12;
	int n = 0, i, r, rc = NOT_FOUND;

	if ((p12 = d2i_PKCS12(NULL, &p, len)) == NULL || p != buf + len)
		goto out;
	if (ld->opts != NULL && ld->opts->password != NULL)
		pws[n++] = ld->opts->password;
	pws[n++] = NULL;
	pws[n++] = "";
	rc = -1;
	if ((i = p12_password(p12, pws, n)) < 0) {
		load_error(name, "wrong password%s", ld->opts != NULL &&
		    ld->opts->password != NULL ? " (from --password-file)" :
		    " (use --password-file)");
		goto out;
	}
	if (!p12_parse(p12, pws[i], &pkey, &cert, &ca)) {
		load_error(name, "cannot read the PKCS#12 file: %s",
		    msg_ossl_reason());
		goto out;
	}
	if (cert != NULL) {
		r = add_cert(ld, cert, name);
		cert = NULL;	/* add_cert() took it */
		if (r != 0)
			goto out;
	}
	if (add_stack(ld, ca, name) != 0)
		goto out;
	rc = ld->list->n > before ? 0 : NOT_FOUND;
	if (rc == NOT_FOUND)
		snprintf(ld->why, sizeof(ld->why),
		    "a PKCS#12 file without certificates");
out:
	ERR_clear_error();
	EVP_PKEY_free(pkey);
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	return rc;
}

/* One or more concatenated DER certificates filling the whole buffer. */
static int
load_der_certs(struct loader *ld, const unsigned char *buf, long len,
    const char *name)
{
	const unsigned char *p = buf, *end = buf + len;
	STACK_OF(X509) *sk;
	X509 *x;
	int rc = NOT_FOUND;

	if ((sk = sk_X509_new_null()) == NULL)
		msg_oom();
	while (p < end && (x = d2i_X509(NULL, &p, end - p)) != NULL)
		if (!sk_X509_push(sk, x))
			msg_oom();
	if (p == end && sk_X509_num(sk) > 0)
		rc = add_stack(ld, sk, name);
	ERR_clear_error();
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

static int
load_der_any(struct loader *ld, const unsigned char *buf, size_t len,
    const char *name)
{
	int rc;

	rc = load_der_certs(ld, buf, (long)len, name);
	if (rc == NOT_FOUND)
		rc = load_pkcs7(ld, buf, (long)len, name);
	if (rc == NOT_FOUND)
		rc = load_pkcs12(ld, buf, (long)len, name);
	return rc;
}

static int
load_der(struct loader *ld, const unsigned char *buf, size_t len,
    const char *name)
{
	size_t trimmed = len;
	int rc;

	if (len > LOAD_MAX_FILE)
		return NOT_FOUND;
	if ((rc = load_der_any(ld, buf, len, name)) != NOT_FOUND)
		return rc;
	/* Some exports pad DER with NULs or end it with a line end. */
	while (trimmed > 1 && (buf[trimmed - 1] == '\0' ||
	    buf[trimmed - 1] == '\n' || buf[trimmed - 1] == '\r'))
		trimmed--;
	if (trimmed < len)
		rc = load_der_any(ld, buf, trimmed, name);
	return rc;
}

/* One PEM block: a certificate, a trusted certificate or a PKCS#7. */
static int
pem_block(struct loader *ld, const char *type, const unsigned char *data,
    long len, const char *name, int index)
{
	const unsigned char *p = data;
	X509 *x = NULL;
	int r;

	if (strcmp(type, PEM_STRING_PKCS7) == 0 ||
	    strcmp(type, PEM_STRING_PKCS7_SIGNED) == 0 ||
	    strcmp(type, "CMS") == 0) {
		if ((r = load_pkcs7(ld, data, len, name)) != NOT_FOUND)
			return r;
		load_error(name, "PEM block %d (%s) holds no certificates",
		    index, type);
		return -1;
	}
	if (strcmp(type, PEM_STRING_X509_TRUSTED) == 0)
		x = d2i_X509_AUX(NULL, &p, len);
	else if (strcmp(type, PEM_STRING_X509) == 0 ||
	    strcmp(type, PEM_STRING_X509_OLD) == 0)
		x = d2i_X509(NULL, &p, len);
	else
		return NOT_FOUND;	/* a key, a request: not ours */
	if (x == NULL) {
		load_error(name, "PEM block %d is not a valid certificate: %s",
		    index, msg_ossl_reason());
		return -1;
	}
	return add_cert(ld, x, name);
}

static int
load_pem(struct loader *ld, const unsigned char *buf, size_t len,
    const char *name)
{
	char *type = NULL, *header = NULL;
	unsigned char *data = NULL;
	size_t before = ld->list->n;
	int index = 0, rc = -1, r;
	unsigned long e;
	long dlen;
	BIO *b;

	if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
		msg_oom();
	while (PEM_read_bio(b, &type, &header, &data, &dlen)) {
		index++;
		r = pem_block(ld, type, data, dlen, name, index);
		if (r == NOT_FOUND && index == 1)
			snprintf(ld->why, sizeof(ld->why),
			    "the PEM holds a %.64s", type);
		OPENSSL_free(type);
		OPENSSL_free(header);
		OPENSSL_clear_free(data, (size_t)dlen);
		type = header = NULL;
		data = NULL;
		if (r == -1)
			goto out;
	}
	e = ERR_peek_last_error();
	if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    (ERR_GET_REASON(e) == PEM_R_SHORT_HEADER ||
	    ERR_GET_REASON(e) == PEM_R_BAD_END_LINE)) {
		load_error(name, "truncated PEM (block %d has no END line)",
		    index + 1);
		goto out;
	}
	if (ERR_GET_LIB(e) != ERR_LIB_PEM ||
	    ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
		load_error(name, "damaged PEM block %d: %s", index + 1,
		    msg_ossl_reason());
		goto out;
	}
	rc = ld->list->n > before ? 0 : NOT_FOUND;
out:
	ERR_clear_error();
	BIO_free(b);
	return rc;
}

static int
is_archive(const unsigned char *b, size_t len)
{
	if (len >= 4 && memcmp(b, "PK\003\004", 4) == 0)
		return 1;
	if (len >= 4 && memcmp(b, "PK\005\006", 4) == 0)
		return 1;
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return 1;
	return len >= 262 && memcmp(b + 257, "ustar", 5) == 0;
}

/*
 * Read the current member into memory, counting every byte against
 * the limits (the size in the header can lie).  0, or -1 after reporting.
 */
static int
read_member(struct loader *ld, struct archive *a, const char *name,
    unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	la_ssize_t n;
	int rc = -1;

	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > LOAD_MAX_FILE + 65536)
				cap = LOAD_MAX_FILE + 65536;
			buf = xrealloc(buf, cap + 1);
		}
		if ((n = archive_read_data(a, buf + len, cap - len)) == 0)
			break;
		if (n < 0) {
			load_error(name, "cannot unpack: %s",
			    archive_error_string(a));
			goto out;
		}
		len += (size_t)n;
		ld->unpacked += (size_t)n;
		if (len > LOAD_MAX_FILE) {
			load_error(name, "larger than %d MB: refused",
			    MB(LOAD_MAX_FILE));
			goto out;
		}
		if (ld->unpacked > LOAD_MAX_UNPACKED) {
			load_error(name, "the archive unpacks to more than "
			    "%d MB: refused", MB(LOAD_MAX_UNPACKED));
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Warn that an archive member is skipped, up to MAX_SKIP_WARN times. */
static void
skip_warn(struct loader *ld, const char *name, const char *why)
{
	char *e;

	if (++ld->skipped > MAX_SKIP_WARN)
		return;
	e = msg_escape(name);
	msg_warn("skipping %s: %s", e, why);
	free(e);
}

/* Whether to read the current member: 1 yes, 0 skip, -1 refuse. */
static int
member_wanted(struct loader *ld, struct archive_entry *e, const char *name)
{
	mode_t type = archive_entry_filetype(e);

	if (type == AE_IFDIR)
		return 0;
	if (type != AE_IFREG || archive_entry_hardlink(e) != NULL) {
		skip_warn(ld, name, "not a regular file");
		return 0;
	}
	if (archive_entry_is_encrypted(e)) {
		skip_warn(ld, name, "encrypted");
		return 0;
	}
	if (archive_entry_size_is_set(e) &&
	    archive_entry_size(e) > LOAD_MAX_FILE) {
		load_error(name, "larger than %d MB: refused",
		    MB(LOAD_MAX_FILE));
		return -1;
	}
	if (archive_entry_size_is_set(e) && ld->unpacked +
	    (size_t)archive_entry_size(e) > LOAD_MAX_UNPACKED) {
		load_error(name, "the archive unpacks to more than %d MB: "
		    "refused", MB(LOAD_MAX_UNPACKED));
		return -1;
	}
	return 1;
}

/* The current member: read it, load it, skip it if it holds nothing. */
static int
load_member(struct loader *ld, struct archive *a, struct archive_entry *e,
    const char *name, int depth)
{
	const char *path = archive_entry_pathname(e);
	unsigned char *buf = NULL;
	char *mname;
	size_t len = 0;
	int rc;

	mname = xasprintf("%s!%s", name, path != NULL ? path : "(unnamed)");
	if ((rc = member_wanted(ld, e, mname)) <= 0)
		goto out;
	if ((rc = read_member(ld, a, mname, &buf, &len)) != 0)
		goto out;
	ld->why[0] = '\0';
	if (len == 0)
		rc = NOT_FOUND;
	else
		rc = load_mem(ld, buf, len, mname, depth + 1);
	if (rc == NOT_FOUND) {
		skip_warn(ld, mname, "no certificate found");
		rc = 0;
	}
out:
	free(buf);
	free(mname);
	return rc;
}

static int
load_archive(struct loader *ld, const unsigned char *buf, size_t len,
    const char *name, int depth)
{
	struct archive *a;
	struct archive_entry *e;
	size_t before = ld->list->n;
	int members = 0, r, rc = -1;

	if (depth > LOAD_MAX_DEPTH) {
		load_error(name, "archives nested more than %d deep: refused",
		    LOAD_MAX_DEPTH);
		return -1;
	}
	if (lazyarchive_load() < 0) {
		load_error(name, "cannot load libarchive: %s",
		    lazyarchive_error());
		return -1;
	}
	if ((a = archive_read_new()) == NULL)
		msg_oom();
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_none(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK)
		goto damaged;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN)
			goto damaged;
		if (++members > LOAD_MAX_MEMBERS) {
			load_error(name, "more than %d archive members: "
			    "refused", LOAD_MAX_MEMBERS);
			goto out;
		}
		if (load_member(ld, a, e, name, depth) != 0)
			goto out;
	}
	rc = ld->list->n > before ? 0 : NOT_FOUND;
	if (rc == NOT_FOUND)
		snprintf(ld->why, sizeof(ld->why),
		    "an archive without certificates");
	goto out;
damaged:
	load_error(name, "damaged archive: %s", archive_error_string(a) ?
	    archive_error_string(a) : "unknown format");
out:
	archive_read_free(a);
	return rc;
}

/* 0, -1 after reporting, or NOT_FOUND (ld->why may say more). */
static int
load_mem(struct loader *ld, const unsigned char *buf, size_t len,
    const char *name, int depth)
{
	int rc;

	if (is_archive(buf, len))
		return load_archive(ld, buf, len, name, depth);
	if (memmem(buf, len, "-----BEGIN", 10) != NULL &&
	    (rc = load_pem(ld, buf, len, name)) != NOT_FOUND)
		return rc;
	if (buf[0] != 0x30)	/* every DER format starts with a SEQUENCE */
		return NOT_FOUND;
	return load_der(ld, buf, len, name);
}

int
load_buffer(const unsigned char *buf, size_t len, const char *name,
    const struct load_opts *opts, struct certlist *list)
{
	struct loader ld;
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.opts = opts;
	ld.list = list;
	if (len == 0) {
		load_error(name, "empty file");
		return -1;
	}
	if (len > LOAD_MAX_FILE) {
		load_error(name, "larger than %d MB: refused",
		    MB(LOAD_MAX_FILE));
		return -1;
	}
	rc = load_mem(&ld, buf, len, name, 0);
	if (ld.skipped > MAX_SKIP_WARN)
		msg_warn("skipped %d more archive members",
		    ld.skipped - MAX_SKIP_WARN);
	if (rc == NOT_FOUND) {
		load_error(name, "no certificate found (%s)", ld.why[0] ?
		    ld.why : "not PEM, DER, PKCS#7, PKCS#12 or an archive");
		rc = -1;
	}
	return rc;
}

int
load_file(const char *path, const struct load_opts *opts,
    struct certlist *list)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (load_read_file(path, LOAD_MAX_FILE, &buf, &len) != 0)
		return -1;
	rc = load_buffer(buf, len, path, opts, list);
	free(buf);
	return rc;
}

/* Read fd to the end, refusing more than max bytes. */
static int
read_all(int fd, const char *path, size_t max, size_t hint,
    unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	size_t len = 0, cap = hint + 1 > 4096 ? hint + 1 : 4096;
	ssize_t n;

	buf = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			load_error(path, "cannot read: %s", strerror(errno));
			free(buf);
			return -1;
		}
		len += (size_t)n;
		if (len > max) {
			load_error(path, "larger than %zu MB: refused",
			    MB(max));
			free(buf);
			return -1;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

int
load_open_regular(const char *path)
{
	struct stat st;
	int fd, fl, err;

	/* O_NONBLOCK: opening a FIFO with no writer would wait forever. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		err = errno;
	else
		return fd;
	close(fd);
	errno = err;
	return -1;
}

/* What kind of file path is, for the refusal of one not regular. */
static const char *
kind_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return "not a regular file";
	if (S_ISFIFO(st.st_mode))
		return "a FIFO";
	if (S_ISSOCK(st.st_mode))
		return "a socket";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "a device";
	return "something else";
}

int
load_read_file(const char *path, size_t max, unsigned char **buf,
    size_t *len)
{
	struct stat st;
	char *e;
	int fd, rc = -1;

	/* stdin may be a pipe: the one place where that is what we want. */
	if (strcmp(path, "/dev/stdin") == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	else
		fd = load_open_regular(path);
	if (fd < 0 && errno == EINVAL) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s, not a regular file", e,
		    kind_of(path));
		free(e);
		goto out;
	}
	if (fd < 0 || fstat(fd, &st) != 0) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, strerror(EISDIR));
		free(e);
		goto out;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		load_error(path, "larger than %zu MB: refused", MB(max));
		goto out;
	}
	rc = read_all(fd, path, max, S_ISREG(st.st_mode) ?
	    (size_t)st.st_size : 0, buf, len);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

char *
load_password_file(const char *path)
{
	unsigned char *buf = NULL;
	char *pw;
	size_t len = 0, n;

	if (load_read_file(path, 4096, &buf, &len) != 0)
		return NULL;
	n = strcspn((char *)buf, "\r\n");
	pw = xmalloc(n + 1);
	memcpy(pw, buf, n);
	pw[n] = '\0';
	OPENSSL_cleanse(buf, len);
	free(buf);
	return pw;
}
