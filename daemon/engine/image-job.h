/* Running lite-image for a request and replying with its one-line result,
 * without blocking the event loop (image-job.c). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "peer.h"

struct image_job;
/* Called with lite-image's JSON result; replies (result is borrowed). */
typedef void (*image_job_done_fn)(struct image_job *j, json_t *result);

struct image_job {
	struct peer *peer;
	char spool[PATH_MAX];  /* input spooled from the client; unlinked at the end */
	char out[PATH_MAX];    /* output to stream to the client after the reply */
	char what[32];         /* "load", "save": for messages */
	char **argv;           /* lite-image's arguments after DATA_ROOT */
	image_job_done_fn done;
	bool close_after;       /* close the connection after the reply (uploads) */
	bool progress;          /* forward "progress" lines as notifications (pull) */
	uint64_t upload_limit;  /* bytes to spool after the request; UINT64_MAX: until EOF */
	int out_fd;
	int pidfd;              /* given to lite-image as fd 3, LITE_PIDFD=3 (cp: the init it may enter); -1 none */
	struct event *ev;
	char *reply;
	size_t reply_len;
	void *user;                  /* the starter's, for done */
	void (*user_free)(void *);   /* called on user by image_job_free */
	void (*on_end)(struct image_job *j); /* called once when the job ends, however it ends */
	char tag[65];          /* on_end's: the container a cp holds busy (req-cp.c) */
};

/* A job for peer (referenced until the job ends). */
struct image_job *image_job_new(struct peer *p, const char *what);
void image_job_free(struct image_job *j);
/* Run lite-image DATA_ROOT argv...; on "ok JSON" call done (or reply with
 * the JSON), on "err N MSG" reply with that error. Takes ownership of j. */
void image_job_start(struct image_job *j, char **argv);
/* Spool the bytes following the request into DATA_ROOT/tmp, then start
 * lite-image with argv, where the literal "@SPOOL" is replaced by the path. */
void image_job_upload(struct image_job *j, char **argv);
/* Reply with result, then stream the file j->out and close the connection. */
void image_job_send_file(struct image_job *j, json_t *result);
