/* run and create --pull missing|always|never (Docker's): the client looks
 * the image up (image_inspect) and, when it is missing or the policy is
 * "always", pulls it through the daemon's pull
 * method (the lite-image pull job), with Docker's messages and the
 * progress on stderr, so stdout stays the container's. A failed pull
 * stores nothing (pull's own rule) and ends the command with 125. With
 * "missing", the default, cmd-run.c sends the request first and comes
 * here only when it was refused as "not_found" (nothing created): a
 * present image costs no look-up. */
#include "client.h"

#include "image-ref.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 present, 0 not found, -1 another error (printed). */
static int
image_present(const char *image)
{
	json_t *params = json_pack("{s:s}", "image", image), *msg = NULL;
	const char *kind;
	struct conn c;
	char *nl;
	int r = -1;

	if (conn_open(&c) < 0) {
		json_decref(params);
		return -1;
	}
	if (conn_send(&c, "image_inspect", params) < 0)
		goto out;
	while (!(nl = memchr(c.buf ? c.buf : "", '\n', c.len)))
		if (conn_fill(&c) <= 0)
			break;
	/* read the reply ourselves: "not found" is an answer here, not an error */
	msg = nl ? json_loadb(c.buf, (size_t)(nl - c.buf), 0, NULL) : NULL;
	kind = json_string_value(json_object_get(json_object_get(json_object_get(msg, "error"), "data"), "kind"));
	if (msg && !json_object_get(msg, "error")) {
		r = 1;
	} else if (kind && !strcmp(kind, "not_found")) {
		r = 0;
	} else if (nl) {
		client_errorf("%s", json_string_value(json_object_get(json_object_get(msg, "error"), "message")) ?:
					    "malformed reply from the daemon");
	} else {
		client_errorf("the daemon closed the connection without a reply");
	}
out:
	json_decref(msg);
	conn_close(&c);
	return r;
}

int
run_pull_ensure(const char *image, const char *policy)
{
	json_t *res = NULL;
	struct image_ref ref;
	const char *why = "";
	int present = 0;

	if (!policy)
		policy = "missing";
	if (strcmp(policy, "always")) {
		present = image_present(image);
		if (present < 0)
			return EXIT_ENGINE;
		if (present)
			return 0;
		if (!strcmp(policy, "never")) {
			client_errorf("no such image: %s (and --pull=never: not pulled)", image);
			return EXIT_ENGINE;
		}
	}
	if (image_ref_parse(image, &ref, &why) < 0) {
		client_errorf("invalid reference format \"%s\": %s", image, why);
		return EXIT_ENGINE;
	}
	if (!present && strcmp(policy, "always"))
		fprintf(stderr, "Unable to find image '%s' locally\n", image);
	fprintf(stderr, "%s: Pulling from %s\n", ref.digest[0] ? ref.digest : ref.tag[0] ? ref.tag : "latest", ref.path);
	if (cmd_pull_image(image, NULL, false, false, stderr, &res) < 0)
		return EXIT_ENGINE;
	fprintf(stderr, "Digest: %s\n", json_string_value(json_object_get(res, "digest")) ?: "?");
	fprintf(stderr, "Status: Downloaded newer image for %s\n",
		json_string_value(json_array_get(json_object_get(res, "tags"), 0)) ?: image);
	json_decref(res);
	return 0;
}
