/* hostname-row.h - a host-name vector's CN and subjectAltNames, put on a certificate. */
#ifndef TRUSTFIX_HOSTNAME_ROW_H
#define TRUSTFIX_HOSTNAME_ROW_H

#include <jansson.h>
#include <openssl/x509v3.h>

/*
 * One SAN entry of a row: {"dns": ...} as given (malformed ones too),
 * {"ip": ...}, or anything else as an otherName.  NULL for an IP address
 * that does not parse.
 */
static GENERAL_NAME *
hostname_row_gn(json_t *e)
{
	GENERAL_NAME *gn = GENERAL_NAME_new();
	json_t *v;

	if ((v = json_object_get(e, "dns")) != NULL) {
		gn->type = GEN_DNS;
		gn->d.dNSName = ASN1_IA5STRING_new();
		ASN1_STRING_set(gn->d.dNSName, json_string_value(v),
		    (int)json_string_length(v));
	} else if ((v = json_object_get(e, "ip")) != NULL) {
		gn->type = GEN_IPADD;
		gn->d.iPAddress = a2i_IPADDRESS(json_string_value(v));
		if (gn->d.iPAddress == NULL) {
			GENERAL_NAME_free(gn);
			return NULL;
		}
	} else {
		gn->type = GEN_OTHERNAME;
		gn->d.otherName = OTHERNAME_new();
		ASN1_OBJECT_free(gn->d.otherName->type_id);
		gn->d.otherName->type_id = OBJ_txt2obj("1.3.6.1.4.1.99999.1",
		    1);
		ASN1_TYPE_set(gn->d.otherName->value, V_ASN1_NULL, NULL);
	}
	return gn;
}

/*
 * Put the row's CN into x's subject and its "san" entries into a
 * subjectAltName, critical when the subject is empty (RFC 5280 4.2.1.6).
 * Returns 0, or -1 when an entry cannot be built.
 */
static int
hostname_row_names(X509 *x, json_t *row)
{
	json_t *cn = json_object_get(row, "cn"), *san, *e;
	GENERAL_NAMES *gns;
	GENERAL_NAME *gn;
	size_t i;
	int rc = 0;

	if (json_is_string(cn))
		X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
		    NID_commonName, MBSTRING_UTF8,
		    (const unsigned char *)json_string_value(cn),
		    (int)json_string_length(cn), -1, 0);
	san = json_object_get(row, "san");
	if (json_array_size(san) == 0)
		return 0;
	gns = sk_GENERAL_NAME_new_null();
	json_array_foreach(san, i, e) {
		if ((gn = hostname_row_gn(e)) == NULL)
			rc = -1;
		else
			sk_GENERAL_NAME_push(gns, gn);
	}
	X509_add1_ext_i2d(x, NID_subject_alt_name, gns, !json_is_string(cn),
	    X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(gns);
	return rc;
}

#endif
