/* import and images. An import's tarball arrives on the connection right
 * after the request line; it is spooled to DATA_ROOT/tmp and unpacked by
 * `lite-image import` (image-job.c), a child process, so the loop keeps
 * answering others and the archive is never parsed inside the daemon. */
#include "req.h"
#include "image-job.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "image.h"
#include "log.h"
#include "strv.h"

static void
import_done(struct image_job *j, json_t *result)
{
	const char *id = json_string_value(json_object_get(result, "id"));
	const char *ref = j->argv[2];

	log_info("imported %s as %s", ref, id ? id : "?");
	peer_reply(j->peer, json_pack("{s:s, s:s}", "id", id ? id : "", "ref", ref));
}

void
req_import(struct peer *p, json_t *params)
{
	long long size = proto_get_int(params, "size", -1);
	const char *given = proto_get_str(params, "ref", "");
	char ref[300];
	struct image_job *j;

	if (image_path_ref_normalize(given, ref, sizeof(ref)) < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
				 "invalid image name '%s': use lowercase NAME[:TAG]", given);
		peer_close_after_flush(p); /* the tarball's bytes follow; don't parse them */
		return;
	}
	if (!(j = image_job_new(p, "import"))) {
		peer_reply_err(p, ENOMEM, "out of memory");
		peer_close_after_flush(p);
		return;
	}
	j->done = import_done;
	j->upload_limit = size >= 0 ? (uint64_t)size : UINT64_MAX;
	image_job_upload(j, strv_new("import", "@SPOOL", ref, NULL));
}

void
req_images(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	json_t *list = NULL;
	int r = image_list(p->d->cfg.data_root, &list, &err);

	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		peer_reply(p, list);
	lite_err_clear(&err);
}
