/* explain.c - the words of each finding: its summary and its fix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diagnose.h"
#include "facts.h"
#include "msg.h"

struct words {
	const struct diagnosis	*d;
	const struct diag_opts	*o;
	const char		*target;
	char			*subj;		/* of the finding's cert. */
	const char		*what;		/* "server certificate", ... */
};

static X509 *
cert_of(const struct diagnosis *d, int i)
{
	if (i < 0 || d->all == NULL || (size_t)i >= d->all->n)
		return NULL;
	return d->all->v[i].x509;
}

static const char *
role(const struct diagnosis *d, int i)
{
	X509 *x = cert_of(d, i);

	if (x == NULL || i == 0)
		return "server certificate";
	if (facts_is_self_issued(x))
		return "root CA";
	return "intermediate CA";
}

static char *
import_fix(const struct words *w, const char *base, const char *who)
{
	const struct diag_opts *o = w->o;
	char *conn = o->connect ? xasprintf("--connect %s ", o->connect) :
	    xstrdup(""), *store = o->store ? xasprintf("--store %s ",
	    o->store) : xstrdup(""), *s;

	s = xasprintf("on the client host run `trustfix export-root %s%s -o "
	    "%s.pem`, check its SHA-256 (or SHA-1) fingerprint with the %s's "
	    "administrator, then `trustfix import %s%s.pem`; for phones and "
	    "tablets write a bundle with `trustfix bundle %s.pem --device all "
	    "-o %s-bundle.zip`", conn, w->target, base, who, store, base,
	    base, base);
	free(conn);
	free(store);
	return s;
}

/*
 * The purposes the trust anchor i is trusted for, with server-auth
 * first, when the store restricts it to purposes that leave TLS servers
 * out (OpenSSL's trust settings, which diagnose --store gives it);
 * NULL otherwise.
 */
static char *
purposes_with_tls(const struct diagnosis *d, int i)
{
	static const struct {
		int		 nid;
		const char	*name;
	} names[] = {
		{ NID_client_auth, "client-auth" },
		{ NID_email_protect, "email" },
		{ NID_code_sign, "code-signing" },
	};
	X509 *x = cert_of(d, i);
	STACK_OF(ASN1_OBJECT) *trust;
	char *s, *t;
	size_t k;
	int j, nid;

	if (x == NULL || d->chain == NULL || !d->chain->anchored ||
	    (size_t)i + 1 != d->chain->path->n ||
	    (trust = X509_get0_trust_objects(x)) == NULL ||
	    sk_ASN1_OBJECT_num(trust) == 0)
		return NULL;
	s = xstrdup("server-auth");
	for (j = 0; j < sk_ASN1_OBJECT_num(trust); j++) {
		nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(trust, j));
		if (nid == NID_server_auth) {
			free(s);
			return NULL;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (names[k].nid == nid) {
				t = xasprintf("%s,%s", s, names[k].name);
				free(s);
				s = t;
			}
	}
	return s;
}

/* The fix for an anchor the store trusts, but not for TLS servers. */
static char *
purpose_fix(const struct words *w, const char *purposes)
{
	const struct diag_opts *o = w->o;

	return xasprintf("The store trusts this root, but not for TLS "
	    "servers (%s only). Trust it for them too: `trustfix export-root "
	    "%s%s%s%s -o root.pem`, then `trustfix import %s%s%s--purpose %s "
	    "root.pem`.", strchr(purposes, ',') + 1,
	    o->connect ? "--connect " : "", o->connect ? o->connect : "",
	    o->connect ? " " : "", w->target, o->store ? "--store " : "",
	    o->store ? o->store : "", o->store ? " " : "", purposes);
}

static void
self_signed(struct words *w, struct finding *f)
{
	char *imp = import_fix(w, "server", "server");

	f->summary = xasprintf("The server certificate (%s) is self-signed "
	    "and no trust anchor vouches for it", w->subj);
	f->fix = xasprintf("Best: replace it with a certificate from your "
	    "CA (on Exchange, request one from the enterprise CA with the "
	    "Web Server template). To trust this one server as it is, %s.",
	    imp);
	free(imp);
}

static char *
aia_words(const struct chain *c)
{
	char *s = xstrdup(""), *t, **u;

	for (u = c->aia_http; u != NULL && *u != NULL; u++) {
		t = xasprintf("%s AIA offers it over http at %s.", s, *u);
		free(s);
		s = t;
	}
	for (u = c->aia_other; u != NULL && *u != NULL; u++) {
		t = xasprintf("%s AIA offers it at %s (%s; on a domain member "
		    "`certutil -ca.cert` or the CA console exports it).", s,
		    *u, strncasecmp(*u, "ldap:///", 8) == 0 ? "a URL without "
		    "a server: trustfix asks --ldap-host, else the target's "
		    "host" : facts_url_kind(*u) == URL_LDAP ? "over LDAP" :
		    "not fetched: only http and ldap are followed");
		free(s);
		s = t;
	}
	for (u = c->aia_log; u != NULL && *u != NULL; u++) {
		t = xasprintf("%s Download %s.", s, *u);
		free(s);
		s = t;
	}
	if (*s == '\0') {
		free(s);
		s = xstrdup(" The certificate names no AIA caIssuers URL.");
	}
	return s;
}

static void
untrusted_root(struct words *w, struct finding *f)
{
	const struct diagnosis *d = w->d;
	X509 *x = cert_of(d, f->cert);
	char *imp = import_fix(w, "root", "CA"), *aia, *iss, *t;

	if (x != NULL && !facts_is_self_issued(x)) {
		iss = facts_issuer(x);
		aia = aia_words(d->chain);
		f->summary = xasprintf("This client does not trust the root "
		    "CA %s, and the server does not send it", iss ? iss : "?");
		t = f->detail;
		f->detail = xasprintf("%s.%s", t ? t : "", aia);
		free(t);
		free(iss);
		free(aia);
	} else
		f->summary = xasprintf("The root CA %s is not trusted by "
		    "this client", w->subj);
	if ((t = purposes_with_tls(d, f->cert)) != NULL) {
		f->summary = xasprintf("The root CA %s is trusted in the "
		    "store, but not for TLS servers", w->subj);
		f->fix = purpose_fix(w, t);
		free(t);
		free(imp);
		return;
	}
	switch (d->deployment) {
	case DEPLOY_WINDOWS_PKI:
		f->fix = xasprintf("This is a Windows enterprise PKI (Active "
		    "Directory Certificate Services) root: %s.", imp);
		break;
	case DEPLOY_PUBLIC_CA:
		f->fix = xstrdup("The root is one of the distribution's "
		    "default anchors but not among the anchors in use: update "
		    "the ca-certificates package, or point the client "
		    "(SSL_CERT_FILE, --trust) at the system bundle.");
		break;
	default:
		f->fix = xasprintf("This is a private CA: %s.", imp);
		break;
	}
	free(imp);
}

static void
missing_intermediate(struct words *w, struct finding *f)
{
	X509 *x = cert_of(w->d, f->cert);
	const struct cert_entry *got = diagnose_fetched_issuer(w->d, f->cert);
	char *iss = x ? facts_issuer(x) : NULL, *more, *of;

	of = f->cert <= 0 ? xstrdup("its certificate") :
	    xasprintf("the CA certificate %s", w->subj);
	f->summary = xasprintf("The server does not send the intermediate "
	    "CA certificate (%s) that issued %s", iss ? iss : "?", of);
	/*
	 * Only the server's fix satisfies OpenSSL and .NET clients alike:
	 * no client-side import of the intermediate is offered.
	 */
	if (got != NULL)
		more = xasprintf(" It is published at %s (%s; OpenSSL clients "
		    "such as Postfix, curl and fetchmail do not).",
		    got->origin ? got->origin : "its AIA URL",
		    diagnose_fetched_by_dotnet(got) ? ".NET clients fetch it "
		    "from there" : ".NET on Linux does not read LDAP AIA");
	else
		more = aia_words(w->d->chain);
	f->fix = xasprintf("Configure the server to send the intermediate "
	    "%s after its own certificate. On the server, `trustfix "
	    "export-chain --with-leaf %s -o fullchain.pem` writes its "
	    "certificate and the intermediates as PEM (AIA's DER "
	    "converted); then nginx: ssl_certificate fullchain.pem; "
	    "Postfix: smtpd_tls_chain_files = server.key, fullchain.pem; "
	    "Dovecot: ssl_cert = <fullchain.pem; and reload it. "
	    "Exchange/IIS: import the intermediate into the computer's "
	    "Intermediate Certification Authorities store and re-bind the "
	    "certificate.%s", iss ? iss : "?", w->target, more);
	free(iss);
	free(of);
	free(more);
}

static char *
names_list(char **v)
{
	char *s = NULL, *t;

	for (; v != NULL && *v != NULL; v++) {
		t = xasprintf("%s%s%s", s ? s : "", s ? ", " : "", *v);
		free(s);
		s = t;
	}
	return s;
}

static void
name_mismatch(struct words *w, struct finding *f)
{
	char *names = names_list(w->d->suggested);
	const char *n = w->o->name ? w->o->name : "?";

	f->summary = xasprintf("The certificate is not valid for the name "
	    "%s", n);
	if (names != NULL)
		f->fix = xasprintf("Make the client connect to a name the "
		    "certificate carries (%s), or have the certificate "
		    "reissued with %s as a subjectAltName.", names, n);
	else
		f->fix = xasprintf("Have the certificate reissued with %s as "
		    "a subjectAltName.", n);
	free(names);
}

/* A valid certificate of the same CA (subject and key) in list, or NULL. */
static const struct cert_entry *
same_ca(const struct certlist *l, X509 *x, time_t at)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++) {
		X509 *y = l->v[i].x509;

		if (X509_cmp(x, y) != 0 && X509_NAME_cmp(
		    X509_get_subject_name(x), X509_get_subject_name(y)) == 0 &&
		    EVP_PKEY_eq(X509_get0_pubkey(x), X509_get0_pubkey(y)) == 1 &&
		    X509_cmp_time(X509_get0_notAfter(y), &at) >= 0 &&
		    X509_cmp_time(X509_get0_notBefore(y), &at) <= 0)
			return &l->v[i];
	}
	return NULL;
}

/*
 * A CA certificate out of date, while a renewed or cross-certified one
 * (same subject and key, valid) is published at AIA or was given: the
 * fix is to send that one, not to renew.  Returns 1 when it said so.
 */
static int
renewed_fix(struct words *w, struct finding *f)
{
	const struct diagnosis *d = w->d;
	X509 *x = cert_of(d, f->cert);
	const struct cert_entry *r = NULL;
	char sha[65], sha1[41], *until, *t;

	if (x == NULL || f->cert <= 0 || d->chain == NULL)
		return 0;
	if ((r = same_ca(d->chain->fetched, x, w->o->at)) == NULL &&
	    (r = same_ca(w->o->untrusted, x, w->o->at)) == NULL &&
	    (r = same_ca(d->chain->offpath, x, w->o->at)) == NULL)
		return 0;
	facts_sha256(r->x509, sha);
	facts_sha1(r->x509, sha1);
	until = facts_time(X509_get0_notAfter(r->x509));
	t = f->detail;
	f->detail = xasprintf("%s; a renewed certificate of the same CA (same "
	    "subject and key, valid until %s) is %s %s", t ? t : "",
	    until ? until : "?", r->source == SOURCE_AIA ? "published at" :
	    r->source == SOURCE_SERVER ? "sent by the server too:" :
	    "given in", r->origin ? r->origin : "?");
	free(t);
	f->fix = xasprintf("Do not renew the CA: it has been renewed. "
	    "Install its renewed certificate on the server in place of the "
	    "one it sends (%s, SHA-256 %s, SHA-1 %s): `trustfix export-chain "
	    "--with-leaf %s -o fullchain.pem` writes the chain with it.",
	    r->origin ? r->origin : "?", sha, sha1, w->target);
	free(until);
	return 1;
}

static void rules(struct words *, struct finding *);
static void evidence(struct words *, struct finding *);

/* Names, validity and cryptography. */
static void
other(struct words *w, struct finding *f)
{
	const char *n = w->o->name ? w->o->name : "the server's name";
	const char *sev = f->severity == SEV_ERROR ? "" :
	    " (the clients named accept it, others do not)";
	long left;

	switch (f->id) {
	case F_CN_ONLY:
		f->summary = xstrdup("The certificate has no "
		    "subjectAltName: only its CN carries a name");
		f->fix = xasprintf("Reissue the certificate with DNS:%s in "
		    "its subjectAltName (AD CS: add san:dns=%s to the request "
		    "attributes). OpenSSL and .NET accept a matching CN; "
		    "browsers, Go, iOS and Android refuse a certificate "
		    "without subjectAltName.", n, n);
		break;
	case F_EXPIRED:
		f->summary = xasprintf("The %s %s has expired", w->what,
		    w->subj);
		if (renewed_fix(w, f))
			break;
		f->fix = xasprintf("Renew the %s and install the new one on "
		    "the server%s.", w->what, f->cert > 0 ? " (and on the "
		    "clients, for a CA)" : "");
		break;
	case F_NOT_YET_VALID:
		f->summary = xasprintf("The %s %s is not valid yet", w->what,
		    w->subj);
		if (renewed_fix(w, f))
			break;
		f->fix = xstrdup("Check the clocks of this host and of the "
		    "server (NTP), or wait until the certificate's start.");
		break;
	case F_EXPIRING_SOON:
		left = cert_of(w->d, f->cert) ? facts_days_left(cert_of(w->d,
		    f->cert), w->o->at) : 0;
		f->summary = xasprintf("The %s %s expires in %ld day%s",
		    w->what, w->subj, left, left == 1 ? "" : "s");
		f->fix = xasprintf("Renew the %s before it expires.", w->what);
		break;
	case F_WEAK_SIGNATURE:
		f->summary = xasprintf("The %s %s has a weak signature "
		    "(MD5/SHA-1)%s", w->what, w->subj, sev);
		f->fix = xstrdup("Reissue it signed with SHA-256 (AD CS: "
		    "certutil -setreg ca\\csp\\CNGHashAlgorithm SHA256, "
		    "restart the CA service, then reissue).");
		break;
	case F_WEAK_KEY:
		f->summary = xasprintf("The %s %s has a weak key%s", w->what,
		    w->subj, sev);
		f->fix = xstrdup("Reissue it with an RSA key of at least 2048 "
		    "bits or an EC P-256 key.");
		break;
	default:
		rules(w, f);
		break;
	}
}

/* The certificates' own rules: usage, CA, constraints, profile. */
static void
rules(struct words *w, struct finding *f)
{
	char *t;

	switch (f->id) {
	case F_NO_SERVER_AUTH:
		if ((t = purposes_with_tls(w->d, f->cert)) != NULL) {
			f->summary = xasprintf("The %s %s is trusted in the "
			    "store, but not for TLS servers", w->what,
			    w->subj);
			f->fix = purpose_fix(w, t);
			free(t);
			break;
		}
		f->summary = xasprintf("The %s %s is not meant for TLS "
		    "servers (extendedKeyUsage/keyUsage)", w->what, w->subj);
		f->fix = xstrdup("Issue a certificate with extendedKeyUsage "
		    "serverAuth and keyUsage digitalSignature/keyEncipherment "
		    "(AD CS: the Web Server template).");
		break;
	case F_NOT_A_CA:
		f->summary = xasprintf("The certificate %s issues others but "
		    "is not a CA", w->subj);
		f->fix = xstrdup("Only a CA certificate (basicConstraints "
		    "CA:TRUE, keyUsage keyCertSign) may issue: have the "
		    "server send its real issuing CA, or reissue the issuer "
		    "from a CA template (AD CS: Subordinate Certification "
		    "Authority).");
		break;
	case F_PATH_LENGTH:
		f->summary = xasprintf("The path is longer than %s allows "
		    "(pathLenConstraint)", w->subj);
		f->fix = xstrdup("Issue the server certificate from a CA "
		    "higher up, or reissue the CA with a larger path length.");
		break;
	case F_NAME_CONSTRAINTS:
		f->summary = xasprintf("A name of the %s %s violates a CA's "
		    "name constraints", w->what, w->subj);
		f->fix = xstrdup("Issue the certificate from a CA whose name "
		    "constraints permit its names, or fix the constraints.");
		break;
	default:
		evidence(w, f);
		break;
	}
}

/* Revocation, the order sent, signatures, the profile, the name asked. */
static void
evidence(struct words *w, struct finding *f)
{
	const char *n = w->o->name ? w->o->name : "the server's name";

	switch (f->id) {
	case F_REVOKED:
		f->summary = xasprintf("The %s %s has been revoked", w->what,
		    w->subj);
		f->fix = xstrdup("Install a new certificate on the server.");
		break;
	case F_REVOCATION_UNKNOWN:
		f->summary = xasprintf("The revocation status of %s is "
		    "unknown", w->subj);
		f->fix = xstrdup("Make the CRL distribution point or the OCSP "
		    "responder reachable over http from the clients.");
		break;
	case F_CHAIN_ORDER:
		f->summary = xstrdup("The server sends its certificates out "
		    "of order, or sends ones that are not part of its chain");
		f->fix = xstrdup("Configure the server to send its own "
		    "certificate first, then each issuer in order, and "
		    "nothing else.");
		break;
	case F_BAD_SIGNATURE:
		f->summary = xasprintf("The signature of the %s %s does not "
		    "verify with its issuer's key", w->what, w->subj);
		f->fix = xstrdup("The server probably sends an old or wrong "
		    "intermediate: send the CA certificate that really issued "
		    "it.");
		break;
	case F_PROFILE:
		f->summary = xasprintf("The %s %s breaks the X.509 rules "
		    "(RFC 5280)", w->what, w->subj);
		f->fix = xstrdup("Reissue the certificate with a conforming "
		    "profile; strict clients reject it.");
		break;
	case F_CRITICAL_EXTENSION:
		f->summary = xasprintf("The %s %s has a critical extension "
		    "clients do not know", w->what, w->subj);
		f->fix = xstrdup("Reissue it without the unknown critical "
		    "extension, or mark it non-critical.");
		break;
	case F_CHAIN_LENGTH:
		f->summary = xstrdup("The chain is longer than some clients "
		    "accept");
		f->fix = xstrdup("Issue the server certificate from a CA "
		    "nearer the root, and send only the path to the root.");
		break;
	case F_INVALID_NAME:
		f->summary = xasprintf("%s is no host name and no IP address",
		    n);
		f->fix = xstrdup("Give a DNS name or an IP address.");
		break;
	default:
		break;
	}
}

static void
network(struct words *w, struct finding *f)
{
	if (f->id == F_HANDSHAKE_FAILED) {
		f->summary = xstrdup("No certificate could be obtained from "
		    "the server");
		/* The handshake recognised another protocol's greeting. */
		if (w->d->instead != NULL)
			f->fix = xasprintf("Use %s (STARTTLS) instead of %s.",
			    w->d->instead, w->target);
		else
			f->fix = xasprintf("Check that %s names the right "
			    "host and port and that the service speaks TLS "
			    "there (smtp://, imap:// and pop3:// ask for "
			    "STARTTLS first; smtps://, imaps://, https:// "
			    "speak TLS at once); try a longer --timeout on "
			    "slow links.", w->target);
		return;
	}
	f->summary = xstrdup("The server speaks only TLS 1.0/1.1, which "
	    "this host's OpenSSL refuses");
	f->fix = xstrdup("On the server, enable TLS 1.2 (Windows/Exchange: "
	    "install the updates, set SCHANNEL\\Protocols\\TLS 1.2\\Server "
	    "Enabled=1 and .NET SchUseStrongCrypto=1, then restart). Only as "
	    "a stopgap on the client: allow TLS 1.0 in openssl.cnf's "
	    "system_default section (MinProtocol = TLSv1, CipherString = "
	    "DEFAULT@SECLEVEL=0) for that service.");
}

/* Each finding's words, from the findings table. */
static void (*const words_of[F_COUNT])(struct words *, struct finding *) = {
#define FINDING(id, name, floor, own, rules, dotnet, words, ...) \
	[id] = words,
#include "findings.def"
#undef FINDING
};

/* Say who rejects and who accepts, when the clients disagree. */
static void
who(struct finding *f)
{
	char *rej, *acc, *t;
	size_t len;

	if (f->rejected_by == 0 || (f->rejected_by & CL_EVERY) == CL_EVERY)
		return;
	rej = client_words(f->rejected_by);
	acc = client_words(CL_EVERY & ~f->rejected_by);
	len = f->detail != NULL ? strlen(f->detail) : 0;
	t = xasprintf("%s%sRejected for this by %s; accepted by %s.",
	    len > 0 ? f->detail : "", len == 0 ? "" :
	    f->detail[len - 1] == '.' ? " " : ". ", rej, acc);
	free(f->detail);
	f->detail = t;
	free(rej);
	free(acc);
}

void
explain_findings(struct diagnosis *d, const struct diag_opts *o)
{
	struct words w;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.o = o;
	w.target = o->target ? o->target : "TARGET";
	for (i = 0; i < d->findings.n; i++) {
		struct finding *f = &d->findings.v[i];
		X509 *x = cert_of(d, f->cert);

		if (f->summary != NULL)
			continue;
		w.subj = x ? facts_subject(x) : xstrdup("");
		w.what = role(d, f->cert);
		if ((unsigned)f->id < F_COUNT)
			words_of[f->id](&w, f);
		who(f);
		if (f->summary == NULL)
			f->summary = xstrdup(finding_name(f->id));
		if (f->detail == NULL)
			f->detail = xstrdup("");
		if (f->fix == NULL)
			f->fix = xstrdup("");
		free(w.subj);
	}
}
