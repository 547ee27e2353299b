/* Event filters (see event-filter.h). */
#include "event-filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

static const char *const key_names[EVENT_F_MAX] = {
	[EVENT_F_TYPE] = "type",	   [EVENT_F_EVENT] = "event", [EVENT_F_CONTAINER] = "container",
	[EVENT_F_IMAGE] = "image",	   [EVENT_F_LABEL] = "label", [EVENT_F_NETWORK] = "network",
	[EVENT_F_VOLUME] = "volume",
};

static bool
valid_type(const char *v)
{
	return !strcmp(v, "container") || !strcmp(v, "image") || !strcmp(v, "network") || !strcmp(v, "volume");
}

static int
add_value(char ***vals, const char *v)
{
	size_t n = 0;
	char **nv;

	while (*vals && (*vals)[n])
		n++;
	nv = realloc(*vals, (n + 2) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	*vals = nv;
	if (!(nv[n] = strdup(v)))
		return -ENOMEM;
	nv[n + 1] = NULL;
	return 0;
}

int
event_filter_parse(char *const *specs, struct event_filter *ret, struct lite_err *err)
{
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; specs && specs[i] && r == 0; i++) {
		const char *s = specs[i], *eq = strchr(s, '=');
		int k;

		if (!eq || eq == s || !eq[1]) {
			r = lite_err_set(err, EINVAL, "invalid --filter \"%s\": expected KEY=VALUE", s);
			break;
		}
		for (k = 0; k < EVENT_F_MAX; k++)
			if (strlen(key_names[k]) == (size_t)(eq - s) && !strncmp(s, key_names[k], (size_t)(eq - s)))
				break;
		if (k == EVENT_F_MAX)
			r = lite_err_set(err, EINVAL,
					 "invalid --filter \"%s\": unknown key (type, event, container, image, label, network or volume)", s);
		else if (k == EVENT_F_TYPE && !valid_type(eq + 1))
			r = lite_err_set(err, EINVAL,
					 "invalid --filter \"%s\": type is container, image, network or volume", s);
		else if (add_value(&ret->values[k], eq + 1) < 0)
			r = lite_err_set(err, ENOMEM, "out of memory");
	}
	if (r < 0)
		event_filter_free(ret);
	return r;
}

void
event_filter_free(struct event_filter *f)
{
	for (int k = 0; k < EVENT_F_MAX; k++)
		strv_free(f->values[k]);
	memset(f, 0, sizeof(*f));
}

static const char *
str_at(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);

	return json_string_value(k2 ? json_object_get(v, k2) : v);
}

/* "exec_start: sh -c x" matches event=exec_start; "health_status: healthy"
 * matches both health_status and the whole action. */
static bool
action_matches(const char *want, const char *action)
{
	size_t n = strcspn(action, ":");

	return !strcmp(want, action) || (strlen(want) == n && !strncmp(want, action, n));
}

/* An id (or a prefix of at least one character of it) or a name. */
static bool
ref_matches(const char *want, const char *id, const char *name)
{
	return (id && !strncmp(id, want, strlen(want))) || (name && !strcmp(want, name));
}

static bool
label_matches(const char *want, json_t *attrs)
{
	const char *eq = strchr(want, '=');
	char key[256];
	const char *v;

	if (!eq)
		return json_object_get(attrs, want) != NULL;
	if ((size_t)(eq - want) >= sizeof(key))
		return false;
	memcpy(key, want, (size_t)(eq - want));
	key[eq - want] = '\0';
	v = json_string_value(json_object_get(attrs, key));
	return v && !strcmp(v, eq + 1);
}

static bool
one_matches(int k, const char *want, json_t *ev)
{
	const char *type = str_at(ev, "Type", NULL), *id = str_at(ev, "Actor", "ID");
	json_t *attrs = json_object_get(json_object_get(ev, "Actor"), "Attributes");
	const char *name = json_string_value(json_object_get(attrs, "name"));

	switch (k) {
	case EVENT_F_TYPE:
		return type && !strcmp(want, type);
	case EVENT_F_EVENT:
		return action_matches(want, str_at(ev, "Action", NULL) ? str_at(ev, "Action", NULL) : "");
	case EVENT_F_CONTAINER:
		if (type && !strcmp(type, "network"))
			return ref_matches(want, json_string_value(json_object_get(attrs, "container")), NULL);
		return type && !strcmp(type, "container") && ref_matches(want, id, name);
	case EVENT_F_IMAGE:
		if (type && !strcmp(type, "image"))
			return ref_matches(want, id, name);
		return ref_matches(want, NULL, json_string_value(json_object_get(attrs, "image")));
	case EVENT_F_LABEL:
		return label_matches(want, attrs);
	case EVENT_F_NETWORK:
		return type && !strcmp(type, "network") && ref_matches(want, id, name);
	case EVENT_F_VOLUME:
		return type && !strcmp(type, "volume") && ref_matches(want, id, name);
	default:
		return false;
	}
}

bool
event_filter_match(const struct event_filter *f, json_t *ev)
{
	for (int k = 0; k < EVENT_F_MAX; k++) {
		bool any = false;

		if (!f->values[k])
			continue;
		for (size_t i = 0; f->values[k][i] && !any; i++)
			any = one_matches(k, f->values[k][i], ev);
		if (!any)
			return false;
	}
	return true;
}
