/* The seccomp program cache (see seccomp-cache.h).
 *
 * Safety invariants: writes only below EXEC_ROOT/seccomp (root's, 0700),
 * atomically, so a shim never reads half a program; the default profile
 * is built in, so a missing file never means "unconfined". */
#include "seccomp-cache.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "config.h"
#include "daemon.h"
#include "fs-util.h"
#include "log.h"
#include "seccomp-default.h" /* seccomp_default_json, generated from seccomp-default.json */
#include "seccomp-profile.h"

static void
cache_key(const char *text, uint64_t caps, char hex[65])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char head[64];

	snprintf(head, sizeof(head), "lite %s caps %016llx\n", LITE_VERSION, (unsigned long long)caps);
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(head), (const uint8_t *)head);
	sha256_update(&ctx, strlen(text), (const uint8_t *)text);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

int
seccomp_cache_path(struct daemon *d, const char *text, uint64_t caps, char *buf, size_t len, struct lite_err *err)
{
	char hex[65], *bpf = NULL;
	size_t n;
	int r;

	cache_key(text, caps, hex);
	if ((size_t)snprintf(buf, len, "%s/seccomp/%s.bpf", d->cfg.exec_root, hex) >= len)
		return lite_err_set(err, ENAMETOOLONG, "seccomp cache path too long");
	if (access(buf, R_OK) == 0)
		return 0;
	r = seccomp_profile_compile(text, caps, &bpf, &n, err);
	if (r < 0)
		return r;
	r = fs_write_file_atomic(buf, bpf, n, 0600);
	free(bpf);
	return r < 0 ? lite_err_sys(err, -r, "write %s", buf) : 0;
}

const char *
seccomp_cache_default_text(const struct daemon *d)
{
	return d->seccomp_default ? d->seccomp_default : seccomp_default_json;
}

/* Every cached program goes: this daemon may compile differently. */
static int
cache_reset(const char *dir)
{
	int r = fs_rm_rf(dir);

	if (r < 0 && r != -ENOENT)
		return r;
	return fs_mkdir_p(dir, 0700);
}

int
seccomp_cache_init(struct daemon *d, struct lite_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	snprintf(dir, sizeof(dir), "%s/seccomp", d->cfg.exec_root);
	r = cache_reset(dir);
	if (r < 0)
		return lite_err_sys(err, -r, "prepare %s", dir);
	if (d->cfg.seccomp_profile[0]) {
		r = fs_read_file(d->cfg.seccomp_profile, &d->seccomp_default, NULL);
		if (r < 0)
			return lite_err_sys(err, -r, "seccomp-profile %s", d->cfg.seccomp_profile);
	}
	r = seccomp_cache_path(d, seccomp_cache_default_text(d), CAPS_DEFAULT, path, sizeof(path), err);
	if (r == 0)
		log_debug("default seccomp program: %s", path);
	return r;
}
