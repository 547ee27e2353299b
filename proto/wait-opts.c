/* wait's request: its id and Docker's condition (wait-opts.h). */
#include "wait-opts.h"

#include <errno.h>
#include <string.h>

static const char *const names[WAIT_COND_MAX] = {
	[WAIT_COND_NONE] = "",
	[WAIT_COND_NOT_RUNNING] = "not-running",
	[WAIT_COND_NEXT_EXIT] = "next-exit",
	[WAIT_COND_REMOVED] = "removed",
};

const char *
wait_opts_condition_str(enum wait_condition c)
{
	return c >= 0 && c < WAIT_COND_MAX ? names[c] : "";
}

int
wait_opts_decode(json_t *params, struct wait_opts *ret, struct lite_err *err)
{
	json_t *cond = json_object_get(params, "condition");
	const char *s;

	*ret = (struct wait_opts){ .id = json_string_value(json_object_get(params, "id")) };
	if (!ret->id)
		ret->id = "";
	if (!cond || json_is_null(cond))
		return 0;
	s = json_string_value(cond);
	for (int i = WAIT_COND_NOT_RUNNING; s && i < WAIT_COND_MAX; i++)
		if (!strcmp(s, names[i])) {
			ret->condition = (enum wait_condition)i;
			return 0;
		}
	return lite_err_set(err, EINVAL, "invalid condition \"%s\": expected not-running, next-exit or removed",
			    s ? s : "(not a string)");
}
