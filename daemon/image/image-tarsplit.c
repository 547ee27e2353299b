/* Tar-split: a layer tar minus its regular files' contents (recorded while
 * unpacking), and the tar rebuilt from that record and the unpacked layer
 * (save). Format and rationale in image-tarsplit.h.
 *
 * The recorder is a small tar block parser of its own, fed the same
 * uncompressed bytes the diff_id hashes; it never decides what is
 * extracted (libarchive does), so a tar it misreads only yields a sidecar
 * whose rebuild does not hash to the diff_id, which save then ignores.
 * The rebuild opens the layer's files with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS): a layer is hostile content and must not make
 * lite-image (root) read anything outside it. */
#include "image-tarsplit.h"
#include "image-internal.h"
#include "image.h"

#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BLOCK 512
#define META_MAX (1u << 20)  /* pax or GNU long-name data we parse */
#define RAW_CHUNK (1u << 20) /* raw bytes kept before they are written */

enum ts_state { TS_HDR, TS_META, TS_DATA, TS_RAW };

struct image_tarsplit {
	FILE *out;
	bool failed;
	enum ts_state state;
	unsigned char hdr[BLOCK];
	size_t hdr_fill;
	uint64_t left; /* bytes left in META, DATA or RAW */
	uint64_t pad;  /* raw padding after META or DATA */
	char type;     /* of the META being collected */
	char *meta;
	size_t meta_len;
	char *raw; /* pending raw bytes, RAW_CHUNK */
	size_t raw_len;
	char *next_path; /* pax path / GNU long name for the next entry */
	bool has_next_size;
	uint64_t next_size;
};

struct image_tarsplit *
image_tarsplit_new(FILE *out)
{
	struct image_tarsplit *ts = calloc(1, sizeof(*ts));

	if (ts)
		ts->out = out;
	return ts;
}

static void
raw_flush(struct image_tarsplit *ts)
{
	if (ts->failed || !ts->raw_len)
		return;
	if (fprintf(ts->out, "H %zu\n", ts->raw_len) < 0 || fwrite(ts->raw, 1, ts->raw_len, ts->out) != ts->raw_len)
		ts->failed = true;
	ts->raw_len = 0;
}

/* Raw bytes go out in records of at most RAW_CHUNK (consecutive H records
 * are fine), so memory stays bounded whatever the tar holds. */
static void
raw_add(struct image_tarsplit *ts, const void *buf, size_t len)
{
	const char *p = buf;

	if (!ts->raw && !(ts->raw = malloc(RAW_CHUNK)))
		ts->failed = true;
	while (len && !ts->failed) {
		size_t n = RAW_CHUNK - ts->raw_len < len ? RAW_CHUNK - ts->raw_len : len;

		memcpy(ts->raw + ts->raw_len, p, n);
		ts->raw_len += n;
		p += n;
		len -= n;
		if (ts->raw_len == RAW_CHUNK)
			raw_flush(ts);
	}
}

/* An octal or base-256 numeric header field. */
static int
num_field(const unsigned char *f, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		for (i = 1; i < len; i++) {
			if (v >> 55)
				return -EOVERFLOW;
			v = (v << 8) | f[i];
		}
		*ret = v;
		return 0;
	}
	while (i < len && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -EOVERFLOW;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	*ret = v;
	return 0;
}

static char *
field_dup(const unsigned char *f, size_t len)
{
	return strndup((const char *)f, len);
}

/* The entry's name: pax path or GNU long name, else ustar prefix/name. */
static char *
header_name(struct image_tarsplit *ts)
{
	_cleanup_free_ char *name = NULL, *prefix = NULL;
	char *full;

	if (ts->next_path)
		return strdup(ts->next_path);
	name = field_dup(ts->hdr, 100);
	if (!name)
		return NULL;
	if (memcmp(ts->hdr + 257, "ustar", 5) == 0 && ts->hdr[345]) {
		prefix = field_dup(ts->hdr + 345, 155);
		if (!prefix || asprintf(&full, "%s/%s", prefix, name) < 0)
			return NULL;
		return full;
	}
	return TAKE_PTR(name);
}

/* pax records "LEN key=value\n": path and size for the next entry. */
static void
pax_parse(struct image_tarsplit *ts)
{
	size_t pos = 0;

	while (pos < ts->meta_len) {
		char *end, *rec = ts->meta + pos, *eq;
		unsigned long n = strtoul(rec, &end, 10);

		if (end == rec || *end != ' ' || n == 0 || n > ts->meta_len - pos) {
			ts->failed = true;
			return;
		}
		eq = memchr(end + 1, '=', n - (size_t)(end + 1 - rec));
		if (eq && rec[n - 1] == '\n') {
			size_t klen = (size_t)(eq - end - 1), vlen = n - (size_t)(eq + 1 - rec) - 1;

			if (klen == 4 && !memcmp(end + 1, "path", 4)) {
				free(ts->next_path);
				ts->next_path = strndup(eq + 1, vlen);
			} else if (klen == 4 && !memcmp(end + 1, "size", 4)) {
				_cleanup_free_ char *v = strndup(eq + 1, vlen);

				ts->has_next_size = v != NULL;
				ts->next_size = v ? strtoull(v, NULL, 10) : 0;
			}
		}
		pos += n;
	}
}

static void
meta_done(struct image_tarsplit *ts)
{
	if (ts->type == 'x') {
		pax_parse(ts);
	} else if (ts->type == 'L') {
		free(ts->next_path);
		ts->next_path = strndup(ts->meta, ts->meta_len);
	}
	free(ts->meta);
	ts->meta = NULL;
	ts->meta_len = 0;
}

static void
header_done(struct image_tarsplit *ts)
{
	static const unsigned char zero[BLOCK];
	char type = (char)ts->hdr[156];
	uint64_t size = 0;

	raw_add(ts, ts->hdr, BLOCK);
	ts->hdr_fill = 0;
	if (!memcmp(ts->hdr, zero, BLOCK))
		return;
	if (num_field(ts->hdr + 124, 12, &size) < 0) {
		ts->failed = true;
		return;
	}
	if (type == 'x' || type == 'L' || type == 'K' || type == 'g') {
		ts->type = type;
		ts->pad = (BLOCK - size % BLOCK) % BLOCK;
		ts->left = size;
		ts->state = TS_META;
		if ((type == 'x' || type == 'L') && size > META_MAX)
			ts->failed = true;
		else if ((type == 'x' || type == 'L') && !(ts->meta = malloc(size + 1)))
			ts->failed = true;
		if (size == 0) {
			meta_done(ts);
			ts->state = ts->pad ? TS_RAW : TS_HDR;
			ts->left = ts->pad;
		}
		return;
	}
	if ((type == '0' || type == '\0' || type == '7') && ts->has_next_size)
		size = ts->next_size;
	ts->pad = (BLOCK - size % BLOCK) % BLOCK;
	if ((type == '0' || type == '\0' || type == '7') && size > 0 && !ts->failed) {
		_cleanup_free_ char *name = header_name(ts);
		char clean[4096];

		if (!name || image_path_tar_clean(name, clean, sizeof(clean)) < 0 || !*clean) {
			ts->failed = true;
		} else {
			raw_flush(ts);
			if (!ts->failed && fprintf(ts->out, "F %llu %zu\n%s", (unsigned long long)size, strlen(clean),
						   clean) < 0)
				ts->failed = true;
		}
		ts->state = TS_DATA;
		ts->left = size;
	} else {
		ts->state = size + ts->pad ? TS_RAW : TS_HDR;
		ts->left = size + ts->pad;
		ts->pad = 0;
	}
	free(ts->next_path);
	ts->next_path = NULL;
	ts->has_next_size = false;
}

void
image_tarsplit_feed(struct image_tarsplit *ts, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len && !ts->failed) {
		size_t n;

		switch (ts->state) {
		case TS_HDR:
			n = BLOCK - ts->hdr_fill < len ? BLOCK - ts->hdr_fill : len;
			memcpy(ts->hdr + ts->hdr_fill, p, n);
			ts->hdr_fill += n;
			if (ts->hdr_fill == BLOCK)
				header_done(ts);
			break;
		case TS_META:
			n = ts->left < len ? (size_t)ts->left : len;
			raw_add(ts, p, n);
			if (ts->meta) {
				memcpy(ts->meta + ts->meta_len, p, n);
				ts->meta_len += n;
			}
			ts->left -= n;
			if (ts->left == 0) {
				meta_done(ts);
				ts->state = ts->pad ? TS_RAW : TS_HDR;
				ts->left = ts->pad;
			}
			break;
		case TS_DATA:
			n = ts->left < len ? (size_t)ts->left : len;
			ts->left -= n;
			if (ts->left == 0) {
				ts->state = ts->pad ? TS_RAW : TS_HDR;
				ts->left = ts->pad;
			}
			break;
		case TS_RAW:
		default:
			n = ts->left < len ? (size_t)ts->left : len;
			raw_add(ts, p, n);
			ts->left -= n;
			if (ts->left == 0)
				ts->state = TS_HDR;
			break;
		}
		p += n;
		len -= n;
	}
}

bool
image_tarsplit_finish(struct image_tarsplit *ts)
{
	bool ok;

	if (!ts)
		return false;
	/* a stream ending mid-header (record padding cut short) is still raw */
	raw_add(ts, ts->hdr, ts->hdr_fill);
	ok = ts->state != TS_DATA || ts->left == 0;
	raw_flush(ts);
	ok = ok && !ts->failed && fflush(ts->out) == 0 && !ferror(ts->out);
	free(ts->raw);
	free(ts->meta);
	free(ts->next_path);
	free(ts);
	return ok;
}

/* Write len bytes and hash them. */
static int
out_write(int fd, struct sha256_ctx *sha, const void *buf, size_t len)
{
	const char *p = buf;

	sha256_update(sha, len, buf);
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy exactly size bytes of a regular file beneath layer_fd. */
static int
copy_file(int layer_fd, const char *path, uint64_t size, int out_fd, struct sha256_ctx *sha)
{
	static char buf[128 * 1024];
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, layer_fd, path, &how, sizeof(how));
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		return -ESTALE;
	while (size) {
		ssize_t n = read(fd, buf, size < sizeof(buf) ? (size_t)size : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ESTALE;
		r = out_write(out_fd, sha, buf, (size_t)n);
		if (r < 0)
			return r;
		size -= (uint64_t)n;
	}
	return 0;
}

static int
copy_raw(FILE *in, uint64_t len, int out_fd, struct sha256_ctx *sha)
{
	static char buf[64 * 1024];
	int r;

	while (len) {
		size_t n = fread(buf, 1, len < sizeof(buf) ? (size_t)len : sizeof(buf), in);

		if (n == 0)
			return -EBADMSG;
		r = out_write(out_fd, sha, buf, n);
		if (r < 0)
			return r;
		len -= n;
	}
	return 0;
}

int
image_tarsplit_rebuild(const char *sidecar, int layer_fd, int out_fd, char ret_hex[65], uint64_t *ret_size)
{
	_cleanup_fclose_ FILE *in = fopen(sidecar, "re");
	struct sha256_ctx sha;
	uint8_t d[SHA256_DIGEST_SIZE];
	uint64_t total = 0;
	int r = 0;

	if (!in)
		return -errno;
	sha256_init(&sha);
	for (;;) {
		char kind;
		unsigned long long a, b = 0;
		char path[4097];

		if (fscanf(in, "%c", &kind) != 1)
			break;
		if (kind == 'H' && fscanf(in, " %llu", &a) == 1 && fgetc(in) == '\n') {
			r = copy_raw(in, a, out_fd, &sha);
			total += a;
		} else if (kind == 'F' && fscanf(in, " %llu %llu", &a, &b) == 2 && fgetc(in) == '\n' && b > 0 &&
			   b < sizeof(path) && fread(path, 1, b, in) == b) {
			path[b] = '\0';
			r = strlen(path) == b ? copy_file(layer_fd, path, a, out_fd, &sha) : -EBADMSG;
			total += a;
		} else {
			r = -EBADMSG;
		}
		if (r < 0)
			return r;
	}
	sha256_digest(&sha, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(ret_hex + 2 * i, 3, "%02x", d[i]);
	*ret_size = total;
	return 0;
}
