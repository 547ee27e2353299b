/* lite-image: the image store's heavy and locking operations, each in a
 * process of its own, run by containerd-lite (see image-job.c). The
 * daemon never parses archives, never waits on the store lock and never
 * links libarchive.
 *
 * Usage: lite-image DATA_ROOT OP ARGS...
 *   import TARBALL NAME[:TAG]      (a rootfs tarball, any compression)
 *   load FILE                      save OUT FORMAT REF...
 *   rmi 0|1(force) REF...          tag SOURCE TARGET
 *   prune 0|1(all)                 df
 *   commit CTR_ID REF CHANGES_JSON COMMENT [IDMAP]
 *   export CTR_ID OUT [IDMAP]
 *   diff CTR_ID
 *   derive SPEC_JSON               derive-layer TAR SPEC_JSON   (lite build's
 *                                    steps: image-derive.c)
 *   builder-prune 0|1(all)
 *   du size|blocks PATH...         (sizes for ps --size, volumes: image-du.c)
 *   cp-out CTR_ID PID PATH OUT [IDMAP]   cp-in CTR_ID PID DEST NAME 0|1(dir)
 *                                    0|1(contents) SPOOL [IDMAP]   (PID 0: stopped)
 *   pull REF 0|1|2 AUTH_FILE|- [-|user:REGISTRY,...]
 *   push REF 0|1|2 AUTH_FILE|- -|user:REGISTRY,...
 *   login REGISTRY 0|1|2 AUTH_FILE|- -|user:REGISTRY,...
 *     (1: --insecure, plain HTTP; 2: an insecure-registries host, HTTPS
 *     without certificate checks if it speaks TLS, else plain HTTP)
 *        (the file holds USER:PASSWORD; it is read and removed; the last
 *        argument: the caller is not root, and the registries it may reach
 *        over plain HTTP: see image_pull)
 * Environment: LITE_MAX_LAYER_SIZE, LITE_MAX_LAYER_ENTRIES (the daemon's
 * max-layer-size and max-layer-entries; unset: no limit).
 * Prints one line: "ok JSON" or "err ERRNO MESSAGE"; pull prints
 * "progress JSON" lines before it. */
#include "crash-point.h"
#include "cp-tar.h"
#include "image-ctr.h"
#include "image-derive.h"
#include "image-du.h"
#include "image-internal.h"
#include "image-load.h"
#include "image-pull.h"
#include "image-push.h"
#include "image-refs.h"
#include "image-save.h"
#include "image-tar.h"
#include "image.h"

#include "log.h"
#include "strv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
op_commit(const char *root, char **a, json_t **ret, struct lite_err *err)
{
	json_auto_t *ch = json_loads(a[2], 0, NULL);
	char **changes = json_is_array(ch) ? strv_from_json(ch) : NULL;
	char *id = NULL;
	int r;

	if (json_array_size(ch) > 0 && !changes)
		return lite_err_set(err, ENOMEM, "out of memory");
	r = image_ctr_commit(root, a[0], a[1], changes, a[3], &id, err);
	strv_free(changes);
	if (r == 0)
		*ret = json_pack("{s:s}", "id", id);
	free(id);
	return r;
}

static int
op_import(const char *root, char **a, json_t **ret, struct lite_err *err)
{
	char *id = NULL;
	int r = image_unpack_import(root, a[0], a[1], &id, err);

	if (r == 0)
		*ret = json_pack("{s:s}", "id", id);
	free(id);
	return r;
}

/* A limit the daemon passes in the environment (daemon.json); 0: none. */
static uint64_t
env_limit(const char *name)
{
	const char *v = getenv(name);

	return v ? strtoull(v, NULL, 10) : 0;
}

/* Credentials come in a file (0600, made by the daemon, removed here once
 * read), never in argv: path or "-" for none. */
static int
read_credentials(const char *what, const char *path, char user[1024], struct lite_err *err)
{
	ssize_t n = 0;
	int fd;

	user[0] = '\0';
	if (!strcmp(path, "-"))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return lite_err_sys(err, errno, "%s: read credentials", what);
	n = read(fd, user, 1023);
	close(fd);
	unlink(path);
	if (n < 0)
		return lite_err_sys(err, errno, "%s: read credentials", what);
	user[n] = '\0';
	return 0;
}

/* "-" (root) or "user:LIST", the registries a non-root caller may reach
 * over plain HTTP (insecure-registries). */
static const char *
listed_of(const char *policy)
{
	return policy && !strncmp(policy, "user:", 5) ? policy + 5 : NULL;
}

static int
op_pull(const char *root, char **a, json_t **ret, struct lite_err *err)
{
	uint64_t max_blob = env_limit("LITE_MAX_LAYER_SIZE");
	char user[1024];
	int r;

	r = read_credentials("pull", a[2], user, err);
	if (r < 0)
		return r;
	image_pull_set_mirrors(getenv("LITE_REGISTRY_MIRRORS"));
	image_pull_set_tls_fallback(!strcmp(a[1], "2"));
	r = image_pull(root, a[0], strcmp(a[1], "0") != 0, *user ? user : NULL, listed_of(a[3]), max_blob, stdout, ret,
		       err);
	explicit_bzero(user, 1024);
	return r;
}

/* push REF 0|1 AUTH_FILE|- POLICY; login REGISTRY 0|1 AUTH_FILE|- POLICY */
static int
op_push(const char *root, const char *op, char **a, json_t **ret, struct lite_err *err)
{
	char user[1024];
	int r;

	r = read_credentials(op, a[2], user, err);
	if (r < 0)
		return r;
	image_push_set_tls_fallback(!strcmp(a[1], "2"));
	if (!strcmp(op, "login")) {
		r = image_push_login(a[0], strcmp(a[1], "0") != 0, *user ? user : NULL, listed_of(a[3]), err);
		*ret = json_pack("{s:s}", "status", "Login Succeeded");
	} else {
		r = image_push(root, a[0], strcmp(a[1], "0") != 0, *user ? user : NULL, listed_of(a[3]), stdout, ret, err);
	}
	explicit_bzero(user, 1024);
	return r;
}

/* lite build's steps: derive SPEC_JSON, derive-layer TAR SPEC_JSON. */
static int
op_derive(const char *root, const char *tar, const char *spec_json, json_t **ret, struct lite_err *err)
{
	json_auto_t *spec = json_loads(spec_json, 0, NULL);
	char *id = NULL;
	int r;

	if (!json_is_object(spec))
		return lite_err_set(err, EINVAL, "lite-image: derive: bad spec");
	if (tar)
		json_object_set_new(spec, "layer", json_string(tar));
	else
		json_object_del(spec, "layer");
	r = image_derive(root, spec, &id, err);
	if (r == 0)
		*ret = json_pack("{s:s}", "id", id);
	free(id);
	return r;
}

static int
run_op(const char *root, const char *op, int n, char **a, json_t **ret, struct lite_err *err)
{
	int r;

	if (!strcmp(op, "import") && n == 2)
		return op_import(root, a, ret, err);
	if (!strcmp(op, "load") && n == 1)
		return image_load_archive(root, a[0], ret, err);
	if (!strcmp(op, "save") && n >= 3) {
		r = image_save(root, a + 2, a[1], a[0], err);
		*ret = json_object();
		return r;
	}
	if (!strcmp(op, "rmi") && n >= 2)
		return image_refs_rmi(root, a + 1, !strcmp(a[0], "1"), ret, err);
	if (!strcmp(op, "tag") && n == 2) {
		r = image_refs_tag(root, a[0], a[1], err);
		*ret = json_object();
		return r;
	}
	if (!strcmp(op, "prune") && n == 1)
		return image_refs_prune(root, !strcmp(a[0], "1"), ret, err);
	if (!strcmp(op, "df") && n == 0)
		return image_refs_system_df(root, ret, err);
	/* commit's and export's optional last argument (issue 11): the id map */
	if (((!strcmp(op, "commit") && n == 5) || (!strcmp(op, "export") && n == 3)) && image_tar_set_idmap(a[n - 1]) < 0)
		return lite_err_set(err, EINVAL, "lite-image: bad id map %s", a[n - 1]);
	if (!strcmp(op, "commit") && (n == 4 || n == 5))
		return op_commit(root, a, ret, err);
	if (!strcmp(op, "export") && (n == 2 || n == 3)) {
		r = image_ctr_export(root, a[0], a[1], err);
		*ret = json_object();
		return r;
	}
	if (!strcmp(op, "pull") && (n == 3 || n == 4))
		return op_pull(root, a, ret, err);
	if ((!strcmp(op, "push") || !strcmp(op, "login")) && n == 4)
		return op_push(root, op, a, ret, err);
	if (!strcmp(op, "diff") && n == 1)
		return image_diff(root, a[0], ret, err);
	/* cp's last argument (issue 11): the container's id map, or "-" */
	if (!strncmp(op, "cp-", 3) && (n == 5 || n == 8) && cp_tar_set_idmap(a[n - 1]) < 0)
		return lite_err_set(err, EINVAL, "lite-image: bad id map %s", a[n - 1]);
	if (!strcmp(op, "cp-out") && (n == 4 || n == 5))
		return image_cp_out(root, a[0], atoi(a[1]), a[2], a[3], ret, err);
	if (!strcmp(op, "cp-in") && (n == 7 || n == 8)) {
		r = image_cp_in(root, a[0], atoi(a[1]), a[2], a[3], !strcmp(a[4], "1"), !strcmp(a[5], "1"), a[6], err);
		*ret = json_object();
		return r;
	}
	if (!strcmp(op, "derive") && n == 1)
		return op_derive(root, NULL, a[0], ret, err);
	if (!strcmp(op, "derive-layer") && n == 2)
		return op_derive(root, a[0], a[1], ret, err);
	if (!strcmp(op, "builder-prune") && n == 1)
		return image_derive_prune(root, !strcmp(a[0], "1"), ret, err);
	if (!strcmp(op, "du") && n >= 1)
		return image_du(a[0], n - 1, a + 1, ret, err);
	return lite_err_set(err, EINVAL, "lite-image: unknown operation or wrong arguments: %s", op);
}

int
main(int argc, char **argv)
{
	struct lite_err err = { 0 };
	json_t *out = NULL;
	char *s;
	int r;

	log_init("lite-image", LOG_LVL_WARN);
	if (argc < 3) {
		fprintf(stderr, "usage: lite-image DATA_ROOT OP ARGS... (run by containerd-lite)\n");
		return 2;
	}
	image_unpack_set_limits(env_limit("LITE_MAX_LAYER_SIZE"), env_limit("LITE_MAX_LAYER_ENTRIES"));
#if LITE_CRASH_POINTS
	setenv("LITE_CRASH_OP", argv[2], 1); /* HELPER_CRASH_POINT's prefix */
#endif
	r = run_op(argv[1], argv[2], argc - 3, argv + 3, &out, &err);
	if (r < 0) {
		for (char *p = err.msg; p && *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		printf("err %d %s\n", -r, err.msg ? err.msg : "failed");
	} else {
		s = out ? json_dumps(out, JSON_COMPACT) : NULL;
		printf("ok %s\n", s ? s : "{}");
		free(s);
	}
	json_decref(out);
	lite_err_clear(&err);
	return r < 0 ? 1 : 0;
}
