/* lazyarchive.c - load libarchive on first use, so that most runs start faster. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>

#include "lazyarchive.h"
#include "lazylib.h"

/*
 * Linked at build time, libarchive and what it pulls in (libxml2, ICU,
 * libstdc++, nettle, the compressors) cost about 2 ms of loader time at
 * every start, while most runs never open an archive.  So trustfix defines
 * the libarchive functions it calls (src/ and tests/unit-load.c), each a
 * trampoline to the real one, found on first use.
 *
 * F(type, name, parameters, arguments, value on failure) for a function
 * returning type; V(name, parameters, arguments) for one returning void.
 * Prototypes exactly as in <archive.h> and <archive_entry.h>.  When the
 * library cannot be loaded, archive_error_string() gives the reason.
 */
#define LAZYARCHIVE_FUNCTIONS(F, V) \
	F(struct archive_entry *, archive_entry_clear, \
	    (struct archive_entry *e), (e), NULL) \
	F(__LA_MODE_T, archive_entry_filetype, \
	    (struct archive_entry *e), (e), 0) \
	V(archive_entry_free, (struct archive_entry *e), (e)) \
	F(const char *, archive_entry_hardlink, \
	    (struct archive_entry *e), (e), NULL) \
	F(int, archive_entry_is_encrypted, (struct archive_entry *e), (e), 0) \
	F(struct archive_entry *, archive_entry_new, (void), (), NULL) \
	F(const char *, archive_entry_pathname, \
	    (struct archive_entry *e), (e), NULL) \
	V(archive_entry_set_filetype, \
	    (struct archive_entry *e, unsigned int t), (e, t)) \
	V(archive_entry_set_gid, \
	    (struct archive_entry *e, la_int64_t g), (e, g)) \
	V(archive_entry_set_gname, \
	    (struct archive_entry *e, const char *s), (e, s)) \
	V(archive_entry_set_mtime, \
	    (struct archive_entry *e, time_t t, long ns), (e, t, ns)) \
	V(archive_entry_set_pathname, \
	    (struct archive_entry *e, const char *s), (e, s)) \
	V(archive_entry_set_perm, \
	    (struct archive_entry *e, __LA_MODE_T m), (e, m)) \
	V(archive_entry_set_size, \
	    (struct archive_entry *e, la_int64_t n), (e, n)) \
	V(archive_entry_set_symlink, \
	    (struct archive_entry *e, const char *s), (e, s)) \
	V(archive_entry_set_uid, \
	    (struct archive_entry *e, la_int64_t u), (e, u)) \
	V(archive_entry_set_uname, \
	    (struct archive_entry *e, const char *s), (e, s)) \
	F(la_int64_t, archive_entry_size, (struct archive_entry *e), (e), 0) \
	F(int, archive_entry_size_is_set, (struct archive_entry *e), (e), 0) \
	F(int, archive_errno, (struct archive *a), (a), 0) \
	F(const char *, archive_error_string, (struct archive *a), (a), lib.why) \
	F(la_ssize_t, archive_read_data, \
	    (struct archive *a, void *p, size_t n), (a, p, n), ARCHIVE_FATAL) \
	F(int, archive_read_free, (struct archive *a), (a), ARCHIVE_FATAL) \
	F(struct archive *, archive_read_new, (void), (), NULL) \
	F(int, archive_read_next_header, \
	    (struct archive *a, struct archive_entry **e), \
	    (a, e), ARCHIVE_FATAL) \
	F(int, archive_read_open_memory, \
	    (struct archive *a, const void *p, size_t n), \
	    (a, p, n), ARCHIVE_FATAL) \
	F(int, archive_read_support_filter_gzip, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_read_support_filter_none, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_read_support_format_tar, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_read_support_format_zip, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_write_add_filter_gzip, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_write_close, (struct archive *a), (a), ARCHIVE_FATAL) \
	F(la_ssize_t, archive_write_data, \
	    (struct archive *a, const void *p, size_t n), \
	    (a, p, n), ARCHIVE_FATAL) \
	F(struct archive *, archive_write_disk_new, (void), (), NULL) \
	F(int, archive_write_disk_set_options, \
	    (struct archive *a, int flags), (a, flags), ARCHIVE_FATAL) \
	F(int, archive_write_finish_entry, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_write_free, (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_write_header, \
	    (struct archive *a, struct archive_entry *e), \
	    (a, e), ARCHIVE_FATAL) \
	F(struct archive *, archive_write_new, (void), (), NULL) \
	F(int, archive_write_open2, \
	    (struct archive *a, void *arg, archive_open_callback *o, \
	    archive_write_callback *w, archive_close_callback *c, \
	    archive_free_callback *f), (a, arg, o, w, c, f), ARCHIVE_FATAL) \
	F(int, archive_write_open_memory, \
	    (struct archive *a, void *p, size_t n, size_t *used), \
	    (a, p, n, used), ARCHIVE_FATAL) \
	F(int, archive_write_set_format_pax_restricted, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_write_set_format_zip, \
	    (struct archive *a), (a), ARCHIVE_FATAL) \
	F(int, archive_write_set_options, \
	    (struct archive *a, const char *s), (a, s), ARCHIVE_FATAL) \
	F(int, archive_write_set_passphrase, \
	    (struct archive *a, const char *s), (a, s), ARCHIVE_FATAL)

/* Each function's index, name and address. */
enum {
	LAZYARCHIVE_FUNCTIONS(LAZYLIB_INDEX_F, LAZYLIB_INDEX_V)
	LZ_COUNT
};
static const char *const names[] = {
	LAZYARCHIVE_FUNCTIONS(LAZYLIB_NAME_F, LAZYLIB_NAME_V)
};
static void *addr[LZ_COUNT];

static struct lazylib lib = {
	LIBARCHIVE_SONAME, names, addr, LZ_COUNT, 0, ""
};

int
lazyarchive_load(void)
{
	return lazylib_load(&lib);
}

const char *
lazyarchive_error(void)
{
	return lib.why;
}

LAZYARCHIVE_FUNCTIONS(LAZYLIB_TRAMPOLINE_F, LAZYLIB_TRAMPOLINE_V)
