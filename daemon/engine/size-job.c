/* ps --size, Docker's SizeRw and volume sizes walk trees their owners
 * control (a 30,000-deep directory chain, millions of files): that runs in
 * lite-image (image-du.c) through the image-job machinery, and the request
 * is answered when it ends; the loop keeps serving other clients. */
#include "size-job.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image-job.h"
#include "strv.h"

struct size_job {
	size_job_done_fn done;
	json_t *state;
};

static void
size_job_free_user(void *arg)
{
	struct size_job *s = arg;

	json_decref(s->state);
	free(s);
}

static void
on_sizes(struct image_job *j, json_t *result)
{
	struct size_job *s = j->user;
	json_t *sizes = json_object_get(result, "sizes");

	if (!json_is_array(sizes))
		peer_reply_err(j->peer, EIO, "lite-image du returned a malformed result");
	else
		s->done(j->peer, s->state, sizes);
}

static char **
du_argv(const char *mode, json_t *paths)
{
	size_t n = json_array_size(paths), i;
	char **v = calloc(n + 3, sizeof(char *));
	json_t *e;

	if (!v || !(v[0] = strdup("du")) || !(v[1] = strdup(mode))) {
		strv_free(v);
		return NULL;
	}
	json_array_foreach(paths, i, e)
		if (!(v[i + 2] = strdup(json_string_value(e) ?: ""))) {
			strv_free(v);
			return NULL;
		}
	return v;
}

void
size_job_start(struct peer *p, const char *mode, json_t *paths, json_t *state, size_job_done_fn done)
{
	struct size_job *s;
	struct image_job *j;

	if (json_array_size(paths) == 0) {
		json_t *none = json_array();

		done(p, state, none);
		json_decref(none);
		json_decref(state);
		json_decref(paths);
		return;
	}
	s = calloc(1, sizeof(*s));
	j = s ? image_job_new(p, "du") : NULL;
	if (!j) {
		free(s);
		json_decref(state);
		json_decref(paths);
		peer_reply_err(p, ENOMEM, "out of memory");
		return;
	}
	s->done = done;
	s->state = state;
	j->user = s;
	j->user_free = size_job_free_user;
	j->done = on_sizes;
	image_job_start(j, du_argv(mode, paths));
	json_decref(paths);
}
