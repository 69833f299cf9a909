/* mkleaf.c - a test root and one server certificate per host-name vector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "hostname-row.h"

/*
 * usage: mkleaf hostname.jsonl OUTDIR
 *
 * Writes OUTDIR/root.pem and, for row N of the corpus, OUTDIR/N.pem: a
 * serverAuth leaf with the row's subjectAltName entries exactly as given
 * (including malformed ones: embedded NULs, spaces, empty names, which
 * the openssl command line cannot express) and its CN, signed by the
 * root.  Without a CN the subject is empty and the SAN critical.
 * OUTDIR/manifest has one line per row:
 *   N|id|expect|finding|name_invalid|scored|name
 * with the name last, so that it may hold any character but a newline.
 */

static void
die(const char *what)
{
	fprintf(stderr, "mkleaf: %s\n", what);
	exit(1);
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		die("cannot make an extension");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

static X509 *
new_cert(long serial, EVP_PKEY *key)
{
	X509 *x = X509_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, key);
	return x;
}

static X509 *
make_root(EVP_PKEY *key)
{
	X509 *x = new_cert(1, key);
	X509_NAME *n = X509_get_subject_name(x);

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"Host-name Corpus Root", -1, -1, 0);
	X509_set_issuer_name(x, n);
	add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(x, x, NID_subject_key_identifier, "hash");
	if (!X509_sign(x, key, EVP_sha256()))
		die("cannot sign the root");
	return x;
}

static X509 *
make_leaf(json_t *row, long serial, EVP_PKEY *key, X509 *root,
    EVP_PKEY *rootkey)
{
	X509 *x = new_cert(serial, key);

	if (hostname_row_names(x, row) != 0)
		die("bad IP address in the corpus");
	X509_set_issuer_name(x, X509_get_subject_name(root));
	add_ext(x, root, NID_basic_constraints, "CA:FALSE");
	add_ext(x, root, NID_key_usage, "critical,digitalSignature");
	add_ext(x, root, NID_ext_key_usage, "serverAuth");
	add_ext(x, root, NID_authority_key_identifier, "keyid");
	if (!X509_sign(x, rootkey, EVP_sha256()))
		die("cannot sign a leaf");
	return x;
}

static void
write_pem(const char *dir, const char *name, X509 *x)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || !PEM_write_X509(f, x) ||
	    fclose(f) != 0)
		die("cannot write a certificate");
}

static const char *
str(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));

	return s ? s : "";
}

int
main(int argc, char **argv)
{
	EVP_PKEY *rootkey, *key;
	X509 *root, *leaf;
	json_t *row;
	json_error_t jerr;
	char line[65536], path[4096], name[32];
	FILE *in, *man;
	long n = 0;

	if (argc != 3)
		die("usage: mkleaf hostname.jsonl OUTDIR");
	if ((in = fopen(argv[1], "r")) == NULL)
		die("cannot read the corpus");
	snprintf(path, sizeof(path), "%s/manifest", argv[2]);
	if ((man = fopen(path, "w")) == NULL)
		die("cannot write the manifest");
	rootkey = EVP_EC_gen("P-256");
	key = EVP_EC_gen("P-256");
	root = make_root(rootkey);
	write_pem(argv[2], "root.pem", root);
	while (fgets(line, sizeof(line), in) != NULL) {
		if ((row = json_loads(line, JSON_ALLOW_NUL, &jerr)) == NULL)
			die(jerr.text);
		leaf = make_leaf(row, n + 2, key, root, rootkey);
		snprintf(name, sizeof(name), "%ld.pem", n);
		write_pem(argv[2], name, leaf);
		fprintf(man, "%ld|%s|%s|%s|%d|%d|%s\n", n, str(row, "id"),
		    str(row, "expect"), str(row, "finding"),
		    json_is_true(json_object_get(row, "name_invalid")),
		    !json_is_false(json_object_get(row, "scored")),
		    str(row, "name"));
		X509_free(leaf);
		json_decref(row);
		n++;
	}
	if (fclose(man) != 0)
		die("cannot write the manifest");
	fclose(in);
	X509_free(root);
	EVP_PKEY_free(key);
	EVP_PKEY_free(rootkey);
	return 0;
}
