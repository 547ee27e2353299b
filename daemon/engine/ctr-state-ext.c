/* state.json's "ops" object (issue 13): what restart policies and the
 * health check must keep across a daemon restart. Apart from ctr-state.c
 * so that file's layout stays as it was; absent in older states, where it
 * means no policy, no restarts and no health status yet. Pure code. */
#include "ctr.h"

#include <string.h>

json_t *
ctr_state_ext_policy_json(const struct restart_policy *p)
{
	return json_pack("{s:s, s:i}", "name", restart_policy_name_str(p->name), "maximum_retry_count",
			 p->max_retries);
}

void
ctr_state_ext_to_json(json_t *state, const struct ctr_spec *s, const struct ctr_runtime *rt)
{
	json_t *o;

	if (!state)
		return;
	o = json_pack("{s:o, s:i, s:b, s:s, s:i}", "restart_policy", ctr_state_ext_policy_json(&s->restart),
		      "restart_count", rt->restart_count, "user_stopped", rt->user_stopped, "health", rt->health,
		      "health_streak", rt->health_streak);
	if (o)
		json_object_set_new(state, "ops", o);
}

void
ctr_state_ext_from_json(json_t *state, struct ctr_spec *s, struct ctr_runtime *rt)
{
	json_t *o = json_object_get(state, "ops"), *p = json_object_get(o, "restart_policy");
	const char *health = json_string_value(json_object_get(o, "health"));
	int name = restart_policy_name_from_str(json_string_value(json_object_get(p, "name")));

	s->restart = (struct restart_policy){ .name = name < 0 ? RESTART_NO : (enum restart_policy_name)name,
					      .max_retries = (int)json_integer_value(json_object_get(p, "maximum_retry_count")) };
	rt->restart_count = (int)json_integer_value(json_object_get(o, "restart_count"));
	rt->user_stopped = json_is_true(json_object_get(o, "user_stopped"));
	rt->health_streak = (int)json_integer_value(json_object_get(o, "health_streak"));
	if (health && strlen(health) < sizeof(rt->health))
		strcpy(rt->health, health);
}
