/* The image store: directory layout, image lookups (resolve, load, list),
 * image configs and repositories.json. Unpacking tarballs is image-unpack.c.
 *
 * On-disk layout under DATA_ROOT (see image.h):
 *   layers/sha256/HEX/        unpacked layer, renamed into place complete
 *   layers/sha256/HEX.json    layer metadata {"size": N, "created": T}:
 *                             N = bytes of regular files in the layer tar
 *                             (hardlinks counted once), T = unix seconds of
 *                             the first unpack. Written before the rename, so
 *                             every visible layer has one; a missing file
 *                             (layer made by other code) reads as size 0.
 *   images/sha256/HEX.json    OCI image config, HEX = sha256 of its bytes
 *   images/.lock              flock(2) lock, see image_store_lock()
 *   repositories.json         {"name:tag": "sha256:HEX" | {"id","owner"}},
 *                             sorted, atomic; owners in image-tags.h
 *   tmp/import-XXXXXX/        staging of imports in progress (also
 *                             job-*, upload-*; gc-HEX: a layer being
 *                             deleted): removed at start
 *   tmp/pull-partial/HEX      a layer blob being downloaded, kept across
 *                             a crash so the next pull resumes it;
 *                             removed at start once a day old
 *
 * Writers (import, tag, and any future rmi/gc) take images/.lock; readers
 * never lock: every file is replaced atomically (rename), so a reader sees
 * either the old or the new version. No global state: thread-safe. */
#include "image.h"
#include "image-internal.h"
#include "image-tags.h"
#include "image-ref.h"
#include "strv.h"

#include "cleanup.h"
#include "fs-util.h"
#include "str-util.h"
#include "valid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ID_PREFIX "sha256:"
#define ID_PREFIX_LEN 7
#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int
image_path(char *buf, size_t len, const char *data_root, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, len, "%s/", data_root);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return -ENAMETOOLONG;
	return 0;
}

void
image_time_format(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* RFC 3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)"; 0 if unparsable. */
int64_t
image_time_parse(const char *s)
{
	struct tm tm = { 0 };
	const char *p;
	int64_t t;

	if (!s || !(p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return 0;
	t = (int64_t)timegm(&tm);
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 + ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		t += *p == '+' ? -off : off;
	}
	return t;
}

/* Make path a directory of mode 0700 owned by root, also when it exists
 * with another mode (stores made by older versions: 0711/0755). */
static int
close_dir(const char *path)
{
	struct stat st;
	int r = fs_mkdir_p(path, 0700);

	if (r < 0)
		return r;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_uid != 0 || st.st_gid != 0) && chown(path, 0, 0) < 0)
		return -errno;
	if ((st.st_mode & 07777) != 0700 && chmod(path, 0700) < 0)
		return -errno;
	return 0;
}

/* Blobs of pulls that a crash or a failure cut short wait in
 * tmp/pull-partial for the next pull of the same layer to resume them; one
 * untouched for a day will not be (issue 13: no leftover lives forever). */
#define PULL_PARTIAL_MAX_AGE (24 * 3600)
static void
sweep_partial_pulls(const char *data_root)
{
	char dir[PATH_MAX];
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	DIR *d;

	if (image_path(dir, sizeof(dir), data_root, "tmp/pull-partial") < 0 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && now - st.st_mtime > PULL_PARTIAL_MAX_AGE)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* Create the store's directories, close them to host users and drop
 * staging left by a crash. Call once at start-up, before any import runs.
 *
 * Safety: layers keep uid 0, setuid bits and file capabilities (images need
 * them), and volumes hold whatever a container's root wrote; so DATA_ROOT
 * and every tree below it are 0700 root:root, made so on existing stores
 * too, and no host user can traverse to a setuid file (docs/SECURITY.md). */
int
image_store_init(const char *data_root, struct lite_err *err)
{
	static const char *const dirs[] = {
		"layers", "layers/sha256", "images", "images/sha256", "volumes", "containers", "networks", "tmp",
	};
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int r;

	r = close_dir(data_root);
	if (r < 0)
		return lite_err_sys(err, r, "image store: create '%s' (0700 root:root)", data_root);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		r = image_path(path, sizeof(path), data_root, "%s", dirs[i]);
		if (r == 0)
			r = close_dir(path);
		if (r < 0)
			return lite_err_sys(err, r, "image store: create '%s/%s' (0700 root:root)", data_root, dirs[i]);
	}
	d = opendir(path); /* tmp, the last one */
	if (!d)
		return lite_err_sys(err, errno, "image store: open '%s'", path);
	while ((de = readdir(d))) {
		char stale[PATH_MAX];

		if (!str_has_prefix(de->d_name, "import-") && !str_has_prefix(de->d_name, "job-") &&
		    !str_has_prefix(de->d_name, "upload-") && !str_has_prefix(de->d_name, "gc-"))
			continue;
		if (image_path(stale, sizeof(stale), data_root, "tmp/%s", de->d_name) == 0)
			(void)fs_rm_rf(stale);
	}
	closedir(d);
	sweep_partial_pulls(data_root);
	return 0;
}

int
image_store_lock(const char *data_root, int *ret_fd, struct lite_err *err)
{
	char path[PATH_MAX];
	int fd, r;

	r = image_path(path, sizeof(path), data_root, "images/.lock");
	if (r < 0)
		return lite_err_sys(err, r, "image store: lock");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return lite_err_sys(err, errno, "image store: open '%s'", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		r = -errno;
		close(fd);
		return lite_err_sys(err, r, "image store: lock '%s'", path);
	}
	*ret_fd = fd;
	return 0;
}

void
image_store_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

int
image_layer_meta_write(const char *data_root, const char *hex, uint64_t size, int64_t created)
{
	char path[PATH_MAX];
	_cleanup_free_ char *s = NULL;
	json_auto_t *o = NULL;
	int r;

	r = image_path(path, sizeof(path), data_root, "layers/sha256/%s.json", hex);
	if (r < 0)
		return r;
	o = json_pack("{s:I,s:I}", "size", (json_int_t)size, "created", (json_int_t)created);
	s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!s)
		return -ENOMEM;
	return fs_write_file_atomic(path, s, strlen(s), 0600);
}

int
image_layer_meta_read(const char *data_root, const char *hex, uint64_t *ret_size, int64_t *ret_created)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	json_auto_t *o = NULL;
	json_int_t size, created;
	size_t len;
	int r;

	r = image_path(path, sizeof(path), data_root, "layers/sha256/%s.json", hex);
	if (r < 0)
		return r;
	r = fs_read_file(path, &buf, &len);
	if (r < 0)
		return r;
	o = json_loadb(buf, len, 0, NULL);
	if (!o || json_unpack(o, "{s:I,s:I}", "size", &size, "created", &created) < 0 || size < 0)
		return -EBADMSG;
	*ret_size = (uint64_t)size;
	*ret_created = (int64_t)created;
	return 0;
}

uint64_t
image_layer_size(const char *data_root, const char *diff_id)
{
	const char *hex = strncmp(diff_id, ID_PREFIX, ID_PREFIX_LEN) ? diff_id : diff_id + ID_PREFIX_LEN;
	uint64_t size = 0;
	int64_t created;

	return image_layer_meta_read(data_root, hex, &size, &created) < 0 ? 0 : size;
}

void
image_sha256_hex(const void *data, size_t len, char hex[IMAGE_SHA256_HEX_LEN + 1])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* GOARCH spelling of the host's architecture, as OCI configs use. */
static const char *
host_arch(char *buf, size_t len)
{
	static const struct {
		const char *uname, *oci;
	} map[] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" },
		{ "i386", "386" },     { "armv7l", "arm" },    { "armv6l", "arm" },
	};
	struct utsname u;

	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(u.machine, map[i].uname))
			return map[i].oci;
	snprintf(buf, len, "%s", u.machine);
	return buf;
}

/* The config bytes are a pure function of (arch, layer, created): importing
 * the same tarball again yields the same image id. */
static json_t *
config_build_one_layer(const char *diff_hex, int64_t created)
{
	char ts[64], diff_id[ID_PREFIX_LEN + IMAGE_SHA256_HEX_LEN + 1], arch[sizeof(((struct utsname *)0)->machine)];

	image_time_format(created, ts, sizeof(ts));
	snprintf(diff_id, sizeof(diff_id), ID_PREFIX "%s", diff_hex);
	return json_pack("{s:s,s:s,s:s,s:{s:[s]},s:{s:s,s:[s]},s:[{s:s,s:s}]}",
			 "architecture", host_arch(arch, sizeof(arch)), "os", "linux", "created", ts,
			 "config", "Env", DEFAULT_PATH_ENV,
			 "rootfs", "type", "layers", "diff_ids", diff_id,
			 "history", "created", ts, "created_by", "lite import");
}

int
image_config_write_one_layer(const char *data_root, const char *diff_hex, int64_t created,
			     char **ret_id, int *ret_created_file, struct lite_err *err)
{
	_cleanup_free_ char *s = NULL;
	json_auto_t *cfg = config_build_one_layer(diff_hex, created);

	s = cfg ? json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!s)
		return lite_err_set(err, ENOMEM, "image config: out of memory");
	return image_config_write(data_root, s, strlen(s), ret_id, ret_created_file, err);
}

int
image_config_write(const char *data_root, const char *bytes, size_t len, char **ret_id, int *ret_created_file,
		   struct lite_err *err)
{
	char hex[IMAGE_SHA256_HEX_LEN + 1], path[PATH_MAX];
	_cleanup_free_ char *id = NULL;
	struct stat st;
	int r, made = 0;

	image_sha256_hex(bytes, len, hex);
	r = image_path(path, sizeof(path), data_root, "images/sha256/%s.json", hex);
	if (r < 0)
		return lite_err_sys(err, r, "image config");
	if (lstat(path, &st) < 0) {
		r = fs_write_file_atomic(path, bytes, len, 0600);
		if (r < 0)
			return lite_err_sys(err, r, "write image config");
		made = 1;
	}
	if (asprintf(&id, ID_PREFIX "%s", hex) < 0)
		return lite_err_set(err, ENOMEM, "image config: out of memory");
	*ret_id = TAKE_PTR(id);
	*ret_created_file = made;
	return 0;
}

/* repositories.json as an object; a missing file is an empty store. */
int
image_repos_read(const char *data_root, json_t **ret, struct lite_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	json_error_t jerr;
	json_t *o;
	size_t len;
	int r;

	r = image_path(path, sizeof(path), data_root, "repositories.json");
	if (r < 0)
		return lite_err_sys(err, r, "repositories.json");
	r = fs_read_file(path, &buf, &len);
	if (r == -ENOENT) {
		*ret = json_object();
		return *ret ? 0 : lite_err_set(err, ENOMEM, "repositories.json: out of memory");
	}
	if (r < 0)
		return lite_err_sys(err, r, "read '%s'", path);
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return lite_err_set(err, EBADMSG, "'%s' is corrupt: %s", path, o ? "not an object" : jerr.text);
	}
	*ret = o;
	return 0;
}

int
image_repos_write(const char *data_root, json_t *repos, struct lite_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *s = NULL;
	int r;

	r = image_path(path, sizeof(path), data_root, "repositories.json");
	if (r < 0)
		return lite_err_sys(err, r, "repositories.json");
	s = json_dumps(repos, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!s)
		return lite_err_set(err, ENOMEM, "repositories.json: out of memory");
	r = fs_write_file_atomic(path, s, strlen(s), 0600);
	if (r < 0)
		return lite_err_sys(err, r, "write '%s'", path);
	return 0;
}

/* The tag is made the caller's (image_tags_caller); another user's tag is
 * refused (image-tags.h), unless it names image_id already: then nothing
 * changes (a user's pull of an image root has, up to date, succeeds). */
int
image_tag_set(const char *data_root, const char *ref, const char *image_id, struct lite_err *err)
{
	json_auto_t *repos = NULL;
	uid_t caller = image_tags_caller();
	int r;

	r = image_repos_read(data_root, &repos, err);
	if (r == 0 && !strcmp(image_tags_id(json_object_get(repos, ref)) ?: "", image_id))
		return 0;
	if (r == 0)
		r = image_tags_check(repos, ref, caller, err);
	if (r < 0)
		return r;
	if (json_object_set_new(repos, ref, image_tags_value(image_id, caller)) < 0)
		return lite_err_set(err, ENOMEM, "tag: out of memory");
	return image_repos_write(data_root, repos, err);
}

/* "sha256:HEX" (or bare HEX) -> HEX, validated; NULL if malformed. */
static const char *
id_hex(const char *image_id)
{
	const char *hex = str_has_prefix(image_id, ID_PREFIX) ? image_id + ID_PREFIX_LEN : image_id;

	return valid_full_id(hex) ? hex : NULL;
}

static bool
image_exists(const char *data_root, const char *hex)
{
	char path[PATH_MAX];

	return image_path(path, sizeof(path), data_root, "images/sha256/%s.json", hex) == 0 &&
	       access(path, F_OK) == 0;
}

/* 4..64 lowercase hex digits. */
static bool
is_hex_prefix(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 4 && n <= IMAGE_SHA256_HEX_LEN && s[n] == '\0';
}

/* Calls fn for every image config file name's HEX; stops on fn < 0. */
static int
images_foreach(const char *data_root, int (*fn)(const char *hex, void *ud), void *ud)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int r = 0;

	r = image_path(path, sizeof(path), data_root, "images/sha256");
	if (r < 0)
		return r;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r >= 0 && (de = readdir(d))) {
		char hex[IMAGE_SHA256_HEX_LEN + 1];

		if (strlen(de->d_name) != IMAGE_SHA256_HEX_LEN + 5 ||
		    strcmp(de->d_name + IMAGE_SHA256_HEX_LEN, ".json"))
			continue;
		memcpy(hex, de->d_name, IMAGE_SHA256_HEX_LEN);
		hex[IMAGE_SHA256_HEX_LEN] = '\0';
		if (valid_full_id(hex))
			r = fn(hex, ud);
	}
	closedir(d);
	return r;
}

struct prefix_match {
	const char *prefix;
	char hex[IMAGE_SHA256_HEX_LEN + 1];
	int n;
};

static int
prefix_match_one(const char *hex, void *ud)
{
	struct prefix_match *m = ud;

	if (!str_has_prefix(hex, m->prefix))
		return 0;
	if (m->n++ == 0)
		memcpy(m->hex, hex, sizeof(m->hex));
	return 0;
}

static int
resolve_prefix(const char *data_root, const char *ref, const char *prefix, char **ret_id, struct lite_err *err)
{
	struct prefix_match m = { .prefix = prefix };
	int r;

	r = images_foreach(data_root, prefix_match_one, &m);
	if (r < 0)
		return lite_err_sys(err, r, "resolve '%s': list images", ref);
	if (m.n > 1)
		return lite_err_set(err, EINVAL, "image id prefix '%s' is ambiguous", ref);
	if (m.n == 0)
		return lite_err_set(err, ENOENT, "no such image: %s", ref);
	if (asprintf(ret_id, ID_PREFIX "%s", m.hex) < 0)
		return lite_err_set(err, ENOMEM, "resolve: out of memory");
	return 0;
}

/* ref's store key (common/image-ref.h): the familiar name with a tag, or
 * with a digest ("busybox@sha256:HEX", recorded by pull). */
static int
repo_key(const char *ref, char *buf, size_t len)
{
	struct image_ref r;

	if (image_ref_parse(ref, &r, NULL) < 0)
		return image_path_ref_legacy(ref, buf, len);
	return image_ref_key(&r, buf, len);
}

int
image_repo_find(json_t *repos, const char *ref, char *ret_key, size_t len)
{
	struct image_ref r;
	char alt[600];
	bool parsed = image_ref_parse(ref, &r, NULL) == 0;

	if (parsed && image_ref_key(&r, alt, sizeof(alt)) == 0 && json_object_get(repos, alt))
		goto found;
	if (parsed && image_ref_full(&r, alt, sizeof(alt)) == 0 && json_object_get(repos, alt))
		goto found;
	if (image_path_ref_legacy(ref, alt, sizeof(alt)) == 0 && json_object_get(repos, alt))
		goto found;
	return -ENOENT;
found:
	if (strlen(alt) >= len)
		return -ENAMETOOLONG;
	memcpy(ret_key, alt, strlen(alt) + 1);
	return 0;
}

/* Name first, then id prefix, as docker does; caller < 0: any tag's owner. */
static int
resolve(const char *data_root, const char *ref, long caller, char **ret_id, struct lite_err *err)
{
	char name[300];
	json_auto_t *repos = NULL;
	const char *hex, *target;
	int r;

	if (!ref || !*ref)
		return lite_err_set(err, ENOENT, "no such image: ''");
	if ((hex = id_hex(ref)) && str_has_prefix(ref, ID_PREFIX)) {
		if (!image_exists(data_root, hex))
			return lite_err_set(err, ENOENT, "no such image: %s", ref);
		*ret_id = strdup(ref);
		return *ret_id ? 0 : lite_err_set(err, ENOMEM, "resolve: out of memory");
	}
	if (repo_key(ref, name, sizeof(name)) == 0) {
		r = image_repos_read(data_root, &repos, err);
		if (r < 0)
			return r;
		json_t *v = image_repo_find(repos, ref, name, sizeof(name)) == 0 ? json_object_get(repos, name) : NULL;
		uid_t owner = image_tags_owner(v);

		target = image_tags_id(v);
		if (target && caller == 0 && owner != 0)
			return lite_err_set(err, EPERM, "image '%s' is a tag made by uid %u, not by root: use its id "
							"(%.19s) or tag it yourself", ref, (unsigned)owner, target);
		if (target && (hex = id_hex(target)) && image_exists(data_root, hex)) {
			*ret_id = strdup(target);
			return *ret_id ? 0 : lite_err_set(err, ENOMEM, "resolve: out of memory");
		}
	}
	if (str_has_prefix(ref, ID_PREFIX) && is_hex_prefix(ref + ID_PREFIX_LEN))
		return resolve_prefix(data_root, ref, ref + ID_PREFIX_LEN, ret_id, err);
	if (is_hex_prefix(ref))
		return resolve_prefix(data_root, ref, ref, ret_id, err);
	return lite_err_set(err, ENOENT, "no such image: %s", ref);
}

int
image_resolve(const char *data_root, const char *ref, char **ret_id, struct lite_err *err)
{
	return resolve(data_root, ref, -1, ret_id, err);
}

int
image_resolve_for(const char *data_root, const char *ref, uid_t caller, char **ret_id, struct lite_err *err)
{
	return resolve(data_root, ref, (long)caller, ret_id, err);
}

void
image_free(struct image *img)
{
	if (!img)
		return;
	if (img->diff_ids)
		for (size_t i = 0; img->diff_ids[i]; i++)
			free(img->diff_ids[i]);
	free(img->diff_ids);
	json_decref(img->config);
	free(img);
}

/* Fill diff_ids, n_layers and size from config.rootfs.diff_ids. Each entry is
 * validated: they become paths. */
static int
image_fill_layers(const char *data_root, struct image *img, struct lite_err *err)
{
	json_t *ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	size_t n = json_array_size(ids);

	if (!json_is_array(ids))
		return lite_err_set(err, EBADMSG, "image %s: config has no rootfs.diff_ids", img->id);
	img->diff_ids = calloc(n + 1, sizeof(char *));
	if (!img->diff_ids)
		return lite_err_set(err, ENOMEM, "image %s: out of memory", img->id);
	for (size_t i = 0; i < n; i++) {
		const char *d = json_string_value(json_array_get(ids, i));
		uint64_t size = 0;
		int64_t created;

		if (!d || !str_has_prefix(d, ID_PREFIX) || !id_hex(d))
			return lite_err_set(err, EBADMSG, "image %s: bad diff_id in config", img->id);
		img->diff_ids[i] = strdup(d);
		if (!img->diff_ids[i])
			return lite_err_set(err, ENOMEM, "image %s: out of memory", img->id);
		img->n_layers = i + 1;
		if (image_layer_meta_read(data_root, d + ID_PREFIX_LEN, &size, &created) == 0)
			img->size += size;
	}
	return 0;
}

int
image_load(const char *data_root, const char *image_id, struct image **ret, struct lite_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	struct image *img;
	const char *hex = image_id ? id_hex(image_id) : NULL;
	json_error_t jerr;
	size_t len;
	int r;

	if (!hex)
		return lite_err_set(err, EINVAL, "invalid image id '%s'", image_id ? image_id : "");
	r = image_path(path, sizeof(path), data_root, "images/sha256/%s.json", hex);
	if (r == 0)
		r = fs_read_file(path, &buf, &len);
	if (r == -ENOENT)
		return lite_err_set(err, ENOENT, "no such image: " ID_PREFIX "%s", hex);
	if (r < 0)
		return lite_err_sys(err, r, "image " ID_PREFIX "%s: read config", hex);
	img = calloc(1, sizeof(*img));
	if (!img)
		return lite_err_set(err, ENOMEM, "image load: out of memory");
	snprintf(img->id, sizeof(img->id), ID_PREFIX "%s", hex);
	img->config = json_loadb(buf, len, 0, &jerr);
	if (!json_is_object(img->config)) {
		r = lite_err_set(err, EBADMSG, "image %s: corrupt config: %s", img->id, jerr.text);
		image_free(img);
		return r;
	}
	img->created = image_time_parse(json_string_value(json_object_get(img->config, "created")));
	r = image_fill_layers(data_root, img, err);
	if (r < 0) {
		image_free(img);
		return r;
	}
	*ret = img;
	return 0;
}

int
image_layer_dirs(const char *data_root, const struct image *img, char ***ret_dirs, struct lite_err *err)
{
	char **dirs = calloc(img->n_layers + 1, sizeof(char *));
	char path[PATH_MAX];
	struct stat st;

	if (!dirs)
		return lite_err_set(err, ENOMEM, "image %s: out of memory", img->id);
	for (size_t i = 0; i < img->n_layers; i++) {
		const char *d = img->diff_ids[img->n_layers - 1 - i];
		int r = image_path(path, sizeof(path), data_root, "layers/sha256/%s", d + ID_PREFIX_LEN);

		if (r == 0 && lstat(path, &st) < 0)
			r = -errno;
		if (r == 0 && !S_ISDIR(st.st_mode))
			r = -ENOTDIR;
		if (r == 0 && !(dirs[i] = strdup(path)))
			r = -ENOMEM;
		if (r < 0) {
			strv_free(dirs);
			return lite_err_sys(err, r, "image %s: layer %s", img->id, d);
		}
	}
	*ret_dirs = dirs;
	return 0;
}

struct list_ctx {
	const char *data_root;
	json_t *repos, *out;
};

static int
list_one(const char *hex, void *ud)
{
	struct list_ctx *c = ud;
	struct image *img = NULL;
	struct lite_err e = { 0 };
	char id[ID_PREFIX_LEN + IMAGE_SHA256_HEX_LEN + 1];
	json_t *tags, *digests, *item;
	const char *key;
	json_t *v;

	snprintf(id, sizeof(id), ID_PREFIX "%s", hex);
	if (image_load(c->data_root, id, &img, &e) < 0) {
		lite_err_clear(&e);
		return 0; /* vanished or corrupt: not listable */
	}
	tags = json_array();
	digests = json_array();
	json_object_foreach(c->repos, key, v)
		if (!strcmp(image_tags_id(v) ?: "", id))
			json_array_append_new(strchr(key, '@') ? digests : tags, json_string(key));
	item = json_pack("{s:s,s:o,s:I,s:I,s:I,s:o}", "id", id, "repo_tags", tags,
			 "created", (json_int_t)img->created, "size", (json_int_t)img->size,
			 "layers", (json_int_t)img->n_layers, "repo_digests", digests);
	/* the config's labels, for Docker's image list (label= filters) */
	if (item && json_is_object(json_object_get(json_object_get(img->config, "config"), "Labels")))
		json_object_set(item, "labels", json_object_get(json_object_get(img->config, "config"), "Labels"));
	image_free(img);
	if (!item || json_array_append_new(c->out, item) < 0)
		return -ENOMEM;
	return 0;
}

/* Newest first, then by id, so the order is stable. */
static int
list_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "created"));
	json_int_t cy = json_integer_value(json_object_get(y, "created"));

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(y, "id")));
}

static json_t *
list_sorted(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = calloc(n ? n : 1, sizeof(json_t *));
	json_t *out = json_array();

	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(json_t *), list_cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

/* "layers" is the number of layers; "created" unix seconds; "size" bytes. */
int
image_list(const char *data_root, json_t **ret, struct lite_err *err)
{
	json_auto_t *repos = NULL, *out = json_array();
	struct list_ctx c = { .data_root = data_root };
	int r;

	r = image_repos_read(data_root, &repos, err);
	if (r < 0)
		return r;
	if (!out)
		return lite_err_set(err, ENOMEM, "list images: out of memory");
	c.repos = repos;
	c.out = out;
	r = images_foreach(data_root, list_one, &c);
	if (r < 0)
		return lite_err_sys(err, r, "list images");
	*ret = list_sorted(out);
	return *ret ? 0 : lite_err_set(err, ENOMEM, "list images: out of memory");
}
