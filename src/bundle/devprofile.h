/* devprofile.h - device profiles: the files a device class gets, its text. */
#ifndef TRUSTFIX_DEVPROFILE_H
#define TRUSTFIX_DEVPROFILE_H

#include <stddef.h>

/* What one "output = KIND ARG" line of a profile asks for. */
enum devprofile_kind {
	DEVPROFILE_DER,		/* each certificate, DER, named CN + ARG */
	DEVPROFILE_PEM,		/* each certificate, PEM, named CN + ARG */
	DEVPROFILE_P7B,		/* all certificates in one PKCS#7 file ARG */
	DEVPROFILE_MOBILECONFIG, /* Apple configuration profile ARG */
	DEVPROFILE_TRUSTSTORE,	/* PKCS#12 truststore for Java, ARG */
	DEVPROFILE_FIREFOX	/* Firefox enterprise policies.json ARG */
};

struct devprofile_output {
	enum devprofile_kind kind;
	char		*arg;	/* suffix (".cer") or file name */
};

struct devprofile {
	char		*name;		/* device class and folder: "ios" */
	char		*title;		/* "iPhone and iPad" */
	struct devprofile_output *out;
	size_t		 nout;
	char		*text;		/* instructions, with @PLACEHOLDERS@ */
	char		*origin;	/* file it came from */
};

/* Largest profile file we read. */
#define DEVPROFILE_MAX_SIZE	(64 * 1024)

/*
 * Parse a profile from text (len bytes, need not be NUL-terminated);
 * origin names it in messages.  NULL after reporting the line at fault.
 */
struct devprofile *devprofile_parse(const char *text, size_t len,
	    const char *origin);
/* The same from a file.  NULL after reporting. */
struct devprofile *devprofile_load(const char *path);
void	devprofile_free(struct devprofile *);

/*
 * The directory of the installed profiles: TRUSTFIX_BUNDLES_DIR or
 * PKGDATADIR/bundles.  Not allocated.
 */
const char *devprofile_dir(void);

/*
 * Load every "*.profile" file of dir, sorted by name, appending to
 * *v (grown with realloc) and *n.  Returns 0, or -1 after reporting.
 */
int	devprofile_load_dir(const char *dir, struct devprofile ***v,
	    size_t *n);

/* The kind named by word ("der", "mobileconfig"), or -1. */
int	devprofile_kind_parse(const char *word);
const char *devprofile_kind_name(enum devprofile_kind);

#endif
