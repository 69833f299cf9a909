/* lazylib.h - load a shared library on first use and find its symbols. */
#ifndef LAZYLIB_H
#define LAZYLIB_H

#include <stddef.h>

/*
 * One library and the symbols wanted from it.  Its user lists the
 * functions once, as F(type, name, parameters, arguments, value on
 * failure) and V(name, parameters, arguments) for void, and makes from
 * that list, with the macros below, the names, their indices and the
 * trampolines.
 */
struct lazylib {
	const char	 *soname;	/* what dlopen() opens */
	const char *const *names;	/* the symbols, in index order */
	void		**addr;		/* as many: where each was found */
	size_t		  n;
	int		  state;	/* 0 not tried, 1 loaded, -1 failed */
	char		  why[256];	/* why it failed, or a placeholder */
};

/*
 * Open l->soname and find every name, once: later calls return what the
 * first one did.  Returns 0, or -1 with the reason (the loader's, naming
 * the library or the first missing symbol) in l->why.
 */
int	lazylib_load(struct lazylib *l);

/* The index of each symbol: enum { LAZYLIB_INDEX(F, V) ... }. */
#define LAZYLIB_INDEX_F(type, name, params, args, onfail)	LZ_##name,
#define LAZYLIB_INDEX_V(name, params, args)	LZ_##name,
/* Its name, for struct lazylib's names. */
#define LAZYLIB_NAME_F(type, name, params, args, onfail)	#name,
#define LAZYLIB_NAME_V(name, params, args)	#name,

/*
 * A function of the library's own name and prototype that loads the
 * library through the file's "static struct lazylib lib" and calls the
 * real one; without the library, it returns onfail (void: does nothing).
 */
#define LAZYLIB_TRAMPOLINE_F(type, name, params, args, onfail) \
type \
name params \
{ \
	if (lazylib_load(&lib) < 0) \
		return onfail; \
	return ((type (*)params)lib.addr[LZ_##name]) args; \
}
#define LAZYLIB_TRAMPOLINE_V(name, params, args) \
void \
name params \
{ \
	if (lazylib_load(&lib) == 0) \
		((void (*)params)lib.addr[LZ_##name]) args; \
}

#endif
