/* Tag ownership in repositories.json (the format is in image-tags.h).
 * Pure functions over the parsed file, plus the caller's uid that the
 * daemon hands to lite-image in its environment. */
#include "image-tags.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

const char *
image_tags_id(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	return json_string_value(json_object_get(v, "id"));
}

uid_t
image_tags_owner(json_t *v)
{
	json_t *o = json_object_get(v, "owner");

	if (!json_is_object(v))
		return 0;
	/* an unreadable owner is nobody's: only root may change the tag */
	if (!json_is_integer(o) || json_integer_value(o) < 0 || json_integer_value(o) >= UINT32_MAX)
		return (uid_t)-1;
	return (uid_t)json_integer_value(o);
}

json_t *
image_tags_value(const char *id, uid_t owner)
{
	if (owner == 0)
		return json_string(id);
	return json_pack("{s:s, s:I}", "id", id, "owner", (json_int_t)owner);
}

uid_t
image_tags_caller(void)
{
	const char *s = getenv("LITE_CALLER_UID");
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v >= UINT32_MAX)
		return (uid_t)-1; /* garbage: act for nobody, never for root */
	return (uid_t)v;
}

int
image_tags_check(json_t *repos, const char *name, uid_t caller, struct lite_err *err)
{
	json_t *v = json_object_get(repos, name);

	if (!v || caller == 0 || image_tags_owner(v) == caller)
		return 0;
	return lite_err_set(err, EPERM, "image tag %s belongs to another user: only its owner or root may move or "
			    "remove it", name);
}
