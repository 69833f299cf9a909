/* unit-names-corpus.c - names_check() against the shared host-name vectors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/x509v3.h>

#include "hostname-row.h"
#include "names.h"
#include "tap.h"

/*
 * Reads hostname.jsonl (argv[1], or ../shared/corpora beside the source
 * tree) and checks, for every scored row, the verdict and finding that
 * follow from names_check(): a SAN match is trusted, a CN-only match or
 * a certificate without any subjectAltName is "cn-only", anything else
 * "name-mismatch"; an invalid requested name is right where the row says
 * the name is invalid.
 */

/* A certificate with the row's names, or NULL when one cannot be built. */
static X509 *
cert_from_row(json_t *row)
{
	X509 *x = X509_new();

	X509_set_version(x, 2);
	if (hostname_row_names(x, row) != 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* 1 if the row's expectation is met. */
static int
row_ok(json_t *row, X509 *x, const char **got)
{
	const char *expect, *finding;
	enum name_match m;
	int has_san;

	if (x == NULL) {
		*got = "no certificate: a SAN entry cannot be built";
		return 0;
	}
	expect = json_string_value(json_object_get(row, "expect"));
	finding = json_string_value(json_object_get(row, "finding"));
	has_san = X509_get_ext_by_NID(x, NID_subject_alt_name, -1) >= 0;
	m = names_check(x, json_string_value(json_object_get(row, "name")));
	switch (m) {
	case NAME_MATCH_SAN:
		*got = "trusted";
		return strcmp(expect, "trusted") == 0;
	case NAME_INVALID:
		*got = "invalid";
		return json_is_true(json_object_get(row, "name_invalid"));
	case NAME_MATCH_CN_ONLY:
		*got = "cn-only";
		break;
	case NAME_MISMATCH:
		*got = has_san ? "name-mismatch" : "cn-only";
		break;
	}
	return strcmp(expect, "untrusted") == 0 && finding != NULL &&
	    strcmp(finding, *got) == 0;
}

static FILE *
open_corpus(int argc, char **argv, char *path, size_t size)
{
	const char *top = getenv("TOP_SRCDIR");

	if (argc > 1)
		snprintf(path, size, "%s", argv[1]);
	else
		snprintf(path, size, "%s/../shared/corpora/hostname.jsonl",
		    top ? top : ".");
	return fopen(path, "r");
}

int
main(int argc, char **argv)
{
	char path[4096], line[8192];
	json_t *row;
	json_error_t jerr;
	const char *got, *ci = getenv("CI");
	int scored = 0, passed = 0, unscored = 0, good;
	FILE *f;
	X509 *x;

	if ((f = open_corpus(argc, argv, path, sizeof(path))) == NULL) {
		if (ci != NULL && *ci != '\0') {
			printf("not ok 1 - cannot run under CI: %s: %s\n"
			    "1..1\n", path, strerror(errno));
			return 1;
		}
		printf("1..0 # SKIP no corpus at %s\n", path);
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((row = json_loads(line, JSON_ALLOW_NUL, &jerr)) == NULL) {
			ok(0, "a JSON row: %s", jerr.text);
			continue;
		}
		x = cert_from_row(row);
		if (json_is_false(json_object_get(row, "scored"))) {
			unscored++;
			row_ok(row, x, &got);
			printf("# unscored %s: %s\n", json_string_value(
			    json_object_get(row, "id")), got);
		} else {
			scored++;
			good = row_ok(row, x, &got);
			passed += good;
			ok(good, "%s: %s", json_string_value(
			    json_object_get(row, "id")), got);
		}
		X509_free(x);
		json_decref(row);
	}
	fclose(f);
	ok(scored > 0, "the corpus has scored rows");
	printf("# hostname corpus (names_check): %d/%d scored rows agree "
	    "(%d unscored)\n", passed, scored, unscored);
	return tap_done();
}
