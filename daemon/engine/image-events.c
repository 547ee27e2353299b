/* The events of an image job that succeeded (issue 13): lite-image's
 * result (and the job's arguments) say what changed. Images are shared by
 * every user (docs/SECURITY.md), so their events are everyone's. */
#include "image-events.h"

#include <string.h>

#include "ctr.h"
#include "daemon.h"
#include "events.h"

static void
emit(struct daemon *d, const char *action, const char *id, const char *name)
{
	events_emit(d, "image", action, id ? id : "", EVENTS_EVERYONE, events_attrs("name", name, NULL));
}

/* rmi and prune: [{"Untagged": NAME} | {"Deleted": ID} | {"Deleted": "layer ..."}] */
static void
removed(struct daemon *d, json_t *list)
{
	size_t i;
	json_t *e;
	const char *s;

	json_array_foreach(list, i, e) {
		if ((s = json_string_value(json_object_get(e, "Untagged"))))
			emit(d, "untag", s, s);
		else if ((s = json_string_value(json_object_get(e, "Deleted"))) && strncmp(s, "layer ", 6))
			emit(d, "delete", s, s);
	}
}

/* load: [{"id","tags"}] somewhere in the result (or the result itself). */
static void
loaded(struct daemon *d, json_t *res)
{
	json_t *list = json_is_array(res) ? res : NULL, *v, *e;
	const char *k;
	size_t i;

	json_object_foreach(res, k, v)
		if (json_is_array(v))
			list = v;
	json_array_foreach(list, i, e)
		emit(d, "load", json_string_value(json_object_get(e, "id")),
		     json_string_value(json_array_get(json_object_get(e, "tags"), 0)));
}

/* A job on a container (argv[1] its full id): Docker's container events
 * commit (comment, imageID, imageRef), export, archive-path (cp out of
 * it) and extract-to-dir (cp into it), with the path. */
static void
ctr_job(struct daemon *d, const char *op, char **argv, json_t *res)
{
	const char *id = json_string_value(json_object_get(res, "id"));
	struct ctr *c = NULL;

	if (!argv[1] || ctr_lookup(d, argv[1], 0, &c, NULL) < 0)
		return; /* removed meanwhile */
	if (!strcmp(op, "commit"))
		events_ctr(d, c, "commit", events_attrs("comment", argv[2] && argv[3] ? argv[4] : NULL, "imageID",
							id, "imageRef", argv[2] && *argv[2] ? argv[2] : NULL, NULL));
	else if (!strcmp(op, "export"))
		events_ctr(d, c, "export", NULL);
	else if (!strcmp(op, "cp-out") && argv[2])
		events_ctr(d, c, "archive-path", events_attrs("path", argv[3], NULL));
	else if (!strcmp(op, "cp-in") && argv[2])
		events_ctr(d, c, "extract-to-dir", events_attrs("path", argv[3], NULL));
}

void
image_events_job(struct daemon *d, const char *op, char **argv, json_t *res)
{
	const char *id = json_string_value(json_object_get(res, "id"));
	const char *arg1 = argv && argv[0] ? argv[1] : NULL;
	const char *arg2 = arg1 ? argv[2] : NULL;

	if (!op)
		return;
	if (argv && argv[0] && (!strcmp(op, "commit") || !strcmp(op, "export") || !strcmp(op, "cp-out") ||
				!strcmp(op, "cp-in")))
		ctr_job(d, op, argv, res);
	if (!strcmp(op, "pull"))
		emit(d, op, id ? id : arg1, arg1);
	else if (!strcmp(op, "push")) /* Docker's: the reference pushed */
		emit(d, op, arg1, arg1);
	else if (!strcmp(op, "import")) /* import SPOOL REF */
		emit(d, op, id, arg2);
	else if (!strcmp(op, "commit"))
		emit(d, op, id, arg2 && *arg2 ? arg2 : NULL);
	else if (!strcmp(op, "tag"))
		emit(d, op, arg1, arg2);
	else if (!strcmp(op, "load"))
		loaded(d, res);
	else if (!strcmp(op, "rmi"))
		removed(d, json_is_array(res) ? res : json_object_get(res, "deleted"));
	else if (!strcmp(op, "prune"))
		removed(d, json_object_get(res, "deleted"));
	else if (!strcmp(op, "save"))
		for (size_t i = 3; argv && argv[1] && argv[2] && argv[i]; i++)
			emit(d, op, argv[i], argv[i]);
}
