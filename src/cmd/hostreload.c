/* hostreload.c - import/remove: name the services to reload, --reload them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostopts.h"
#include "msg.h"
#include "opt.h"
#include "services.h"
#include "spawn.h"

#define RELOAD_SETTLE	2	/* seconds between a reload and a retry */

/* Run argv; 0, or -1 with *why (the caller frees). */
static int
run(char **argv, char **why)
{
	struct spawn_result res;
	int rc = -1;

	*why = NULL;
	memset(&res, 0, sizeof(res));
	spawn_set_time_limit(SERVICES_TIME_LIMIT);
	if (spawn_run((const char *const *)argv, NULL, &res) != 0)
		*why = xstrdup("cannot run it");
	else if (spawn_ok(&res))
		rc = 0;
	else
		*why = spawn_message(&res);
	spawn_set_time_limit(0);
	spawn_result_clear(&res);
	return rc;
}

/* Run one command of c's service and say how it went; 1 ran, 0 failed. */
static int
run_step(struct change_service *c, char **argv, const char *what,
    const struct common_opts *co)
{
	char *cmd = services_command(argv), *why = NULL;
	int rc = run(argv, &why);

	if (rc == 0 && !co->json)
		printf("  %s: ran %s\n", what, cmd);
	else if (rc != 0)
		msg_error("%s %s (pid %ld): %s failed: %s", what, c->svc.name,
		    (long)c->svc.pid, cmd, why ? why : "?");
	if (rc != 0 && c->error == NULL)
		c->error = xstrdup(why ? why : "?");
	free(why);
	free(cmd);
	return rc == 0;
}

static void
describe(struct change_service *c, const struct common_opts *co)
{
	const struct service *s = &c->svc;

	c->reload = s->reload ? services_command(s->reload) : NULL;
	c->retry = s->retry ? services_command(s->retry) : NULL;
	c->reloaded = c->retried = -1;
	if (!co->json)
		out_text_service(stdout, c);
}

int
hostopts_services(const struct hostopts *h, const struct common_opts *co,
    struct change_report *rep)
{
	struct change_service *c;
	size_t i;
	int rc = 0;

	if (change_any(rep))
		services_find(h->nonly > 0 ? h->only : NULL, &rep->services);
	rep->svc = xcalloc(rep->services.n + 1, sizeof(*rep->svc));
	if (!co->json && rep->services.n > 0)
		out_text_services_head(stdout, h->reload && !co->dry_run);
	for (i = 0; i < rep->services.n; i++) {
		c = &rep->svc[i];
		c->svc = rep->services.v[i];
		describe(c, co);
		if (!h->reload || co->dry_run)
			continue;
		if (c->svc.reload != NULL &&
		    !(c->reloaded = run_step(c, c->svc.reload, "reloaded",
		    co))) {
			rc = -1;
			continue;
		}
		/*
		 * A reload restarts the queue manager: a retry sent while
		 * the old one exits is lost.
		 */
		if (c->svc.reload != NULL && c->svc.retry != NULL)
			sleep(RELOAD_SETTLE);
		if (c->svc.retry != NULL &&
		    !(c->retried = run_step(c, c->svc.retry, "retried", co)))
			rc = -1;
	}
	return rc;
}
