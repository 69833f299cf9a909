/* hostreload.c - import/remove: name the services to reload, --reload them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "hostopts.h"
#include "msg.h"
#include "opt.h"
#include "services.h"
#include "spawn.h"

#define RELOAD_SETTLE	2	/* seconds between a reload and a retry */

/* 1 if one entry of anchors (or of its "also" list) changed. */
static int
any_changed(json_t *anchors)
{
	json_t *a;
	size_t i;

	json_array_foreach(anchors, i, a)
		if (json_is_true(json_object_get(a, "changed")))
			return 1;
	return 0;
}

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

/* Run one command of s and say how it went; 0, or -1 reported. */
static int
run_step(const struct service *s, char **argv, const char *what,
    const struct common_opts *co, json_t *j)
{
	char *cmd = services_command(argv), *why = NULL;
	int rc = run(argv, &why);

	if (rc == 0 && !co->json)
		printf("  %s: ran %s\n", what, cmd);
	else if (rc != 0)
		msg_error("%s %s (pid %ld): %s failed: %s", what, s->name,
		    (long)s->pid, cmd, why ? why : "?");
	json_object_set_new(j, what, json_boolean(rc == 0));
	if (rc != 0 && json_object_get(j, "error") == NULL)
		json_object_set_new(j, "error", msg_json(why ? why : "?"));
	free(why);
	free(cmd);
	return rc;
}

static json_t *
describe(const struct service *s, const struct common_opts *co)
{
	char *rl = s->reload ? services_command(s->reload) : NULL;
	char *rt = s->retry ? services_command(s->retry) : NULL;
	char *cfg = s->config ? msg_escape(s->config) : NULL;
	json_t *j;

	if (!co->json) {
		printf("%s (pid %ld%s%s): %s\n", s->name, (long)s->pid,
		    cfg ? ", " : "", cfg ? cfg : "", s->why);
		if (rl != NULL)
			printf("  reload:  %s\n", rl);
		if (rt != NULL)
			printf("  %s %s\n", strcmp(s->name, "fetchmail") == 0 ?
			    "poll now:" : "retry deferred mail:", rt);
	}
	j = json_pack("{s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "name",
	    msg_json(s->name), "pid", (json_int_t)s->pid, "exe",
	    msg_json(s->exe), "config", msg_json(s->config), "reload",
	    msg_json(rl), "retry", msg_json(rt), "why", msg_json(s->why));
	free(rl);
	free(rt);
	free(cfg);
	return j;
}

int
hostopts_services(const struct hostopts *h, const struct common_opts *co,
    json_t *anchors, json_t *doc)
{
	struct service_list l;
	json_t *arr = json_array(), *j;
	size_t i;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	if (any_changed(anchors))
		services_find(h->nonly > 0 ? h->only : NULL, &l);
	if (!co->json && l.n > 0)
		printf("\n%s\n", h->reload && !co->dry_run ? "reloading the "
		    "services that keep the old anchors:" : "services that "
		    "keep the old anchors until reloaded (--reload does it):");
	for (i = 0; i < l.n; i++) {
		j = describe(&l.v[i], co);
		if (h->reload && !co->dry_run) {
			if (l.v[i].reload != NULL && run_step(&l.v[i],
			    l.v[i].reload, "reloaded", co, j) != 0) {
				rc = -1;
				json_array_append_new(arr, j);
				continue;
			}
			/*
			 * A reload restarts the queue manager: a retry sent
			 * while the old one exits is lost.
			 */
			if (l.v[i].reload != NULL && l.v[i].retry != NULL)
				sleep(RELOAD_SETTLE);
			if (l.v[i].retry != NULL && run_step(&l.v[i],
			    l.v[i].retry, "retried", co, j) != 0)
				rc = -1;
		}
		json_array_append_new(arr, j);
	}
	if (doc != NULL)
		json_object_set_new(doc, "services", arr);
	else
		json_decref(arr);
	services_clear(&l);
	return rc;
}
