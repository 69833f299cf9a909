/* unit-load.c - every input format and limit of load.c, built in memory. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "load.h"
#include "msg.h"
#include "tap.h"

static EVP_PKEY *key;
static X509 *ca, *leaf;

/* stderr is captured in a temporary file while a test runs. */
static int saved_fd = -1;
static FILE *capf;

static void
capture(void)
{
	fflush(stderr);
	capf = tmpfile();
	saved_fd = dup(2);
	dup2(fileno(capf), 2);
}

/* What went to stderr since capture(); a static buffer. */
static const char *
captured(void)
{
	static char buf[65536];
	size_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	rewind(capf);
	n = fread(buf, 1, sizeof(buf) - 1, capf);
	buf[n] = '\0';
	fclose(capf);
	return buf;
}

static X509 *
make_cert(const char *cn, X509 *issuer)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), issuer ? 2 : 1);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_sign(x, key, EVP_sha256());
	return x;
}

/* Memory BIO contents as a malloc'd buffer. */
static unsigned char *
bio_take(BIO *b, size_t *len)
{
	char *data;
	unsigned char *p;

	*len = (size_t)BIO_get_mem_data(b, &data);
	p = malloc(*len + 1);
	memcpy(p, data, *len);
	BIO_free(b);
	return p;
}

static unsigned char *
pem_of(size_t *len, int with_key, int trusted)
{
	BIO *b = BIO_new(BIO_s_mem());

	PEM_write_bio_X509(b, leaf);
	if (with_key)
		PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
	if (trusted)
		PEM_write_bio_X509_AUX(b, ca);
	else
		PEM_write_bio_X509(b, ca);
	return bio_take(b, len);
}

static unsigned char *
p7_of(size_t *len, int pem)
{
	PKCS7 *p7 = PKCS7_new();
	BIO *b = BIO_new(BIO_s_mem());

	PKCS7_set_type(p7, NID_pkcs7_signed);
	PKCS7_content_new(p7, NID_pkcs7_data);
	PKCS7_add_certificate(p7, leaf);
	PKCS7_add_certificate(p7, ca);
	if (pem)
		PEM_write_bio_PKCS7(b, p7);
	else
		i2d_PKCS7_bio(b, p7);
	PKCS7_free(p7);
	return bio_take(b, len);
}

static unsigned char *
p12_of(size_t *len, const char *pass)
{
	STACK_OF(X509) *cas = sk_X509_new_null();
	BIO *b = BIO_new(BIO_s_mem());
	PKCS12 *p12;

	sk_X509_push(cas, ca);
	p12 = PKCS12_create(pass, "leaf", key, leaf, cas, 0, 0, 0, 0, 0);
	i2d_PKCS12_bio(b, p12);
	PKCS12_free(p12);
	sk_X509_free(cas);
	return bio_take(b, len);
}

static unsigned char *
der_of(X509 *x, size_t *len)
{
	unsigned char *p = NULL;

	*len = (size_t)i2d_X509(x, &p);
	return p;
}

struct member {
	const char	*name;
	const unsigned char *data;
	size_t		 len;
	int		 symlink;
	size_t		 zeros;		/* instead of data: zeros */
};

/* An archive in memory: "zip", "tar" or "tgz". */
static unsigned char *
archive_of(const char *fmt, const struct member *m, int n, size_t *len)
{
	static unsigned char zbuf[65536];
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t cap = 1 << 20, left;
	unsigned char *buf;
	int i;

	for (i = 0; i < n; i++)
		cap += m[i].len + 1024;
	buf = malloc(cap);
	if (strncmp(fmt, "zip", 3) == 0)
		archive_write_set_format_zip(a);
	if (strcmp(fmt, "zip-encrypted") == 0) {
		archive_write_set_options(a, "zip:encryption=zipcrypt");
		archive_write_set_passphrase(a, "secret");
	}
	else
		archive_write_set_format_pax_restricted(a);
	if (strcmp(fmt, "tgz") == 0)
		archive_write_add_filter_gzip(a);
	archive_write_open_memory(a, buf, cap, len);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_perm(e, 0644);
		if (m[i].symlink) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, "/etc/passwd");
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, m[i].zeros ? m[i].zeros :
			    m[i].len);
		}
		archive_write_header(a, e);
		if (m[i].zeros)
			for (left = m[i].zeros; left > 0; ) {
				size_t k = left < sizeof(zbuf) ? left :
				    sizeof(zbuf);

				archive_write_data(a, zbuf, k);
				left -= k;
			}
		else if (!m[i].symlink)
			archive_write_data(a, m[i].data, m[i].len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return buf;
}

/* load_buffer() into a new list; *err gets stderr. */
static int
load(const unsigned char *buf, size_t len, const char *name,
    const char *pass, struct certlist **l, const char **err)
{
	struct load_opts o = { pass };
	int rc;

	*l = certlist_new();
	capture();
	rc = load_buffer(buf, len, name, &o, *l);
	*err = captured();
	return rc;
}

#define like(s, sub, ...) ok(strstr((s), (sub)) != NULL, __VA_ARGS__)

static void
test_formats(void)
{
	struct certlist *l;
	unsigned char *b, *d1, *d2;
	const char *err;
	size_t n, n1, n2;

	b = pem_of(&n, 1, 1);
	is_int(load(b, n, "bundle.pem", NULL, &l, &err), 0, "PEM loads");
	is_int(l->n, 2, "PEM: both certificates, the key skipped");
	ok(l->n == 2 && X509_cmp(l->v[0].x509, leaf) == 0 &&
	    X509_cmp(l->v[1].x509, ca) == 0, "PEM: in file order");
	ok(l->n == 2 && strcmp(l->v[1].origin, "bundle.pem") == 0 &&
	    l->v[1].source == SOURCE_FILE, "TRUSTED CERTIFICATE with origin");
	is_str(err, "", "PEM: nothing on stderr");
	certlist_free(l);
	free(b);

	d1 = der_of(leaf, &n1);
	is_int(load(d1, n1, "leaf.cer", NULL, &l, &err), 0, "DER loads");
	is_int(l->n, 1, "DER: one certificate");
	certlist_free(l);
	d2 = der_of(ca, &n2);
	b = malloc(n1 + n2);
	memcpy(b, d1, n1);
	memcpy(b + n1, d2, n2);
	is_int(load(b, n1 + n2, "two.der", NULL, &l, &err), 0,
	    "concatenated DER loads");
	is_int(l->n, 2, "concatenated DER: two certificates");
	certlist_free(l);
	free(b);
	OPENSSL_free(d2);

	is_int(load(d1, n1 - 10, "cut.der", NULL, &l, &err), -1,
	    "truncated DER fails");
	like(err, "cut.der: no certificate found", "truncated DER: message");
	certlist_free(l);
	OPENSSL_free(d1);

	b = p7_of(&n, 0);
	is_int(load(b, n, "chain.p7c", NULL, &l, &err), 0, "PKCS#7 DER");
	is_int(l->n, 2, "PKCS#7 DER: two certificates");
	certlist_free(l);
	free(b);
	b = p7_of(&n, 1);
	is_int(load(b, n, "chain.p7b", NULL, &l, &err), 0, "PKCS#7 PEM");
	is_int(l->n, 2, "PKCS#7 PEM: two certificates");
	certlist_free(l);
	free(b);
}

static void
test_pkcs12(void)
{
	struct certlist *l;
	unsigned char *b;
	const char *err;
	size_t n;

	b = p12_of(&n, "");
	is_int(load(b, n, "nopass.p12", NULL, &l, &err), 0,
	    "PKCS#12 with an empty password");
	is_int(l->n, 2, "PKCS#12: certificate and CA");
	ok(l->n == 2 && X509_cmp(l->v[0].x509, leaf) == 0,
	    "PKCS#12: its own certificate first");
	certlist_free(l);
	free(b);

	b = p12_of(&n, "s3cret");
	is_int(load(b, n, "x.p12", NULL, &l, &err), -1,
	    "PKCS#12 needs its password");
	like(err, "trustfix: unit: x.p12: wrong password "
	    "(use --password-file)",
	    "PKCS#12: says to use --password-file");
	certlist_free(l);
	is_int(load(b, n, "x.p12", "wrong", &l, &err), -1,
	    "PKCS#12 with a wrong password fails");
	like(err, "x.p12: wrong password", "wrong password: message");
	certlist_free(l);
	is_int(load(b, n, "x.p12", "s3cret", &l, &err), 0,
	    "PKCS#12 with its password");
	is_int(l->n, 2, "PKCS#12 with password: two certificates");
	certlist_free(l);
	free(b);
}

static void
test_bad(void)
{
	static const char trunc[] = "-----BEGIN CERTIFICATE-----\n"
	    "MIIBszCCAVmgAwIBAgIUXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n";
	static const char keyonly[] = "-----BEGIN PUBLIC KEY-----\n"
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "-----END PUBLIC KEY-----\n";
	struct certlist *l;
	const char *err;

	is_int(load((const unsigned char *)"", 0, "e.pem", NULL, &l, &err), -1,
	    "empty input fails");
	like(err, "e.pem: empty file", "empty: message");
	certlist_free(l);
	is_int(load((const unsigned char *)trunc, sizeof(trunc) - 1, "t.pem",
	    NULL, &l, &err), -1, "truncated PEM fails");
	like(err, "t.pem: truncated PEM", "truncated PEM: message");
	certlist_free(l);
	is_int(load((const unsigned char *)keyonly, sizeof(keyonly) - 1,
	    "k.pem", NULL, &l, &err), -1, "a key alone fails");
	like(err, "k.pem: no certificate found (the PEM holds a PUBLIC KEY)",
	    "key alone: says what the PEM holds");
	certlist_free(l);
	is_int(load((const unsigned char *)"\x01garbage\n", 9, "g\x1b]0;x",
	    NULL, &l, &err), -1, "garbage fails");
	like(err, "g\\x1b]0;x: no certificate found (not PEM, DER, PKCS#7, "
	    "PKCS#12 or an archive)", "garbage: message, name escaped");
	certlist_free(l);
}

static void	test_depth(const unsigned char *, size_t);

static void
test_archives(void)
{
	struct member m[4];
	struct certlist *l;
	unsigned char *pem, *zip, *tgz;
	const char *err;
	size_t npem, nzip, ntgz;

	pem = pem_of(&npem, 0, 0);
	memset(m, 0, sizeof(m));
	m[0].name = "certs/chain.pem";
	m[0].data = pem;
	m[0].len = npem;
	m[1].name = "README.txt";
	m[1].data = (const unsigned char *)"hello\n";
	m[1].len = 6;
	m[2].name = "../../escape";
	m[2].symlink = 1;
	zip = archive_of("zip", m, 3, &nzip);
	is_int(load(zip, nzip, "b.zip", NULL, &l, &err), 0, "zip loads");
	is_int(l->n, 2, "zip: the certificates of its PEM member");
	ok(l->n > 0 && strcmp(l->v[0].origin, "b.zip!certs/chain.pem") == 0,
	    "zip: origin names the member");
	like(err, "warning: skipping b.zip!../../escape: not a regular file",
	    "zip: a symlink is skipped with a warning");
	like(err, "skipping b.zip!README.txt: no certificate found",
	    "zip: a text member is skipped with a warning");
	certlist_free(l);
	free(zip);

	zip = archive_of("zip-encrypted", m, 1, &nzip);
	is_int(load(zip, nzip, "enc.zip", NULL, &l, &err), -1,
	    "an encrypted member is not read");
	like(err, "skipping enc.zip!certs/chain.pem: encrypted",
	    "encrypted member: skipped with a warning");
	certlist_free(l);
	free(zip);
	zip = archive_of("zip", m, 3, &nzip);

	memset(m, 0, sizeof(m));
	m[0].name = "inner.zip";
	m[0].data = zip;
	m[0].len = nzip;
	tgz = archive_of("tgz", m, 1, &ntgz);
	is_int(load(tgz, ntgz, "o.tar.gz", NULL, &l, &err), 0,
	    "tar.gz with a zip inside loads");
	ok(l->n == 2 && strcmp(l->v[0].origin,
	    "o.tar.gz!inner.zip!certs/chain.pem") == 0,
	    "nested: origin names every level");
	certlist_free(l);
	free(zip);
	free(pem);
	test_depth(tgz, ntgz);
	free(tgz);
}

/* buf wrapped in one more zip, as "level.zip". */
static unsigned char *
wrap(const unsigned char *buf, size_t len, size_t *out)
{
	struct member m;

	memset(&m, 0, sizeof(m));
	m.name = "level.zip";
	m.data = buf;
	m.len = len;
	return archive_of("zip", &m, 1, out);
}

static void
test_depth(const unsigned char *two, size_t ntwo)
{
	struct certlist *l;
	unsigned char *three, *four;
	size_t n3, n4;
	const char *err;

	three = wrap(two, ntwo, &n3);
	is_int(load(three, n3, "3.zip", NULL, &l, &err), 0,
	    "archives nested 2 deep load");
	is_int(l->n, 2, "nested 2 deep: certificates found");
	certlist_free(l);
	four = wrap(three, n3, &n4);
	is_int(load(four, n4, "4.zip", NULL, &l, &err), -1,
	    "archives nested 3 deep are refused");
	like(err, "archives nested more than 2 deep: refused",
	    "nested too deep: message");
	is_int(l->n, 0, "nested too deep: nothing kept... by the caller");
	certlist_free(l);
	free(three);
	free(four);
}

static void
test_limits(void)
{
	struct member *m = calloc(LOAD_MAX_MEMBERS + 1, sizeof(*m));
	struct certlist *l;
	unsigned char *b;
	const char *err;
	size_t n, i;
	char (*names)[16] = calloc(LOAD_MAX_MEMBERS + 1, 16);

	for (i = 0; i <= LOAD_MAX_MEMBERS; i++) {
		snprintf(names[i], 16, "m%zu", i);
		m[i].name = names[i];
		m[i].data = (const unsigned char *)"x";
		m[i].len = 1;
	}
	b = archive_of("tar", m, LOAD_MAX_MEMBERS + 1, &n);
	is_int(load(b, n, "many.tar", NULL, &l, &err), -1,
	    "more than 1000 members are refused");
	like(err, "many.tar: more than 1000 archive members: refused",
	    "too many members: message");
	like(err, "skipped 990 more archive members",
	    "only the first skipped members are named");
	certlist_free(l);
	free(b);

	memset(m, 0, 2 * sizeof(*m));
	m[0].name = "big.bin";
	m[0].zeros = LOAD_MAX_FILE + 1;
	b = archive_of("zip", m, 1, &n);
	is_int(load(b, n, "big.zip", NULL, &l, &err), -1,
	    "a member over 16 MB is refused");
	like(err, "big.zip!big.bin: larger than 16 MB: refused",
	    "big member: message");
	certlist_free(l);
	free(b);

	for (i = 0; i < 5; i++) {
		m[i].name = names[i];
		m[i].zeros = 15 * 1024 * 1024;
	}
	b = archive_of("tgz", m, 5, &n);
	is_int(load(b, n, "bomb.tgz", NULL, &l, &err), -1,
	    "an archive unpacking to over 64 MB is refused");
	like(err, "the archive unpacks to more than 64 MB: refused",
	    "bomb: message");
	certlist_free(l);
	free(b);
	free(m);
	free(names);
}

static void
test_many_certs(void)
{
	BIO *bio = BIO_new(BIO_s_mem());
	struct certlist *l;
	unsigned char *b;
	const char *err;
	size_t n;
	int i;

	for (i = 0; i <= LOAD_MAX_CERTS; i++)
		PEM_write_bio_X509(bio, leaf);
	b = bio_take(bio, &n);
	is_int(load(b, n, "many.pem", NULL, &l, &err), -1,
	    "more than 1000 certificates are refused");
	like(err, "many.pem: more than 1000 certificates", "many: message");
	certlist_free(l);
	free(b);
}

static void
test_files(void)
{
	char path[] = "/tmp/unit-load.XXXXXX";
	struct certlist *l = certlist_new();
	unsigned char *b = NULL;
	const char *err;
	char *pw;
	size_t n;
	int fd;

	if (getenv("TMPDIR") != NULL)
		snprintf(path, sizeof(path), "%s", "/tmp/unit-load.XXXXXX");
	fd = mkstemp(path);
	ok(fd >= 0, "temporary file");
	if (fd < 0)
		return;
	write(fd, "s3cret\r\nsecond line\n", 20);
	pw = load_password_file(path);
	is_str(pw, "s3cret", "password file: first line without CR LF");
	free(pw);
	is_int(load_read_file(path, 100, &b, &n), 0, "read a small file");
	ok(n == 20 && b[20] == '\0', "read: length and NUL");
	free(b);
	capture();
	is_int(load_read_file(path, 10, &b, &n), -1, "refuse over max");
	err = captured();
	like(err, "larger than", "over max: message");
	ftruncate(fd, 100L * 1024 * 1024);
	capture();
	is_int(load_file(path, NULL, l), -1, "100 MB file refused");
	err = captured();
	like(err, "larger than 16 MB: refused", "100 MB: by its size");
	unlink(path);
	close(fd);
	capture();
	is_int(load_file(path, NULL, l), -1, "missing file fails");
	err = captured();
	like(err, "cannot read /tmp/unit-load.", "missing: cannot read");
	like(err, "No such file or directory", "missing: strerror");
	certlist_free(l);
}

/* Damaged copies of buf: flipped bytes and truncations never crash. */
static void
mutate(const char *what, const unsigned char *buf, size_t len)
{
	struct certlist *l;
	unsigned char *c = malloc(len);
	const char *err;
	int i, bad = 0, rc;

	for (i = 0; i < 300; i++) {
		size_t n = len, at = ((size_t)i * 7919) % len;

		memcpy(c, buf, len);
		if (i % 3 == 2)
			n = at + 1;
		else
			c[at] ^= (unsigned char)(1 + i * 37);
		rc = load(c, n, "m", NULL, &l, &err);
		if ((rc != 0 && rc != -1) || (rc == 0 && l->n == 0) ||
		    (rc == -1 && strstr(err, "trustfix: unit: ") == NULL))
			bad++;
		certlist_free(l);
	}
	is_int(bad, 0, "%s: 300 damaged copies, each loaded or refused "
	    "with a message", what);
	free(c);
}

static void
test_mutations(void)
{
	struct member m;
	unsigned char *b, *z;
	size_t n, nz;

	b = pem_of(&n, 1, 1);
	mutate("PEM", b, n);
	memset(&m, 0, sizeof(m));
	m.name = "a.pem";
	m.data = b;
	m.len = n;
	z = archive_of("zip", &m, 1, &nz);
	mutate("zip", z, nz);
	free(z);
	z = archive_of("tgz", &m, 1, &nz);
	mutate("tar.gz", z, nz);
	free(z);
	free(b);
	b = der_of(leaf, &n);
	mutate("DER", b, n);
	OPENSSL_free(b);
	b = p7_of(&n, 0);
	mutate("PKCS#7", b, n);
	free(b);
	b = p12_of(&n, "");
	mutate("PKCS#12", b, n);
	free(b);
}

int
main(void)
{
	msg_set_command("unit");
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ca = make_cert("Unit Root CA", NULL);
	leaf = make_cert("unit.example.test", ca);
	test_formats();
	test_pkcs12();
	test_bad();
	test_archives();
	test_limits();
	test_many_certs();
	test_files();
	test_mutations();
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(key);
	return tap_done();
}
