/* cmd.h - the command table and the commands' entry points. */
#ifndef TRUSTFIX_CMD_H
#define TRUSTFIX_CMD_H

#include "opt.h"

enum cmd_needs {
	NEEDS_STORE = 1,	/* takes --store (default: TRUSTFIX_STORE) */
	TOUCHES_NETWORK = 2	/* takes --timeout (default 10 s) */
};

struct cmd_info {
	const char	*name;
	int		(*run)(const struct cmd_info *, int argc, char **argv,
			    struct common_opts *co);
	const char	*summary;	/* one line, for trustfix --help */
	const char	*synopsis;	/* operands, for "usage:" */
	unsigned	 needs;
};

/* Each returns an enum exit_code. */
int	cmd_inspect(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_diagnose(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_export_root(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_export_chain(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_import(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_remove(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_list(const struct cmd_info *, int, char **, struct common_opts *);
int	cmd_bundle(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_stores(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_where(const struct cmd_info *, int, char **,
	    struct common_opts *);
int	cmd_scan(const struct cmd_info *, int, char **, struct common_opts *);

#endif
