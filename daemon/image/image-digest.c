/* Digests: parsing "sha256:HEX" strings and hashing files. Every digest in
 * an archive or a registry reply is checked with these before it is used as
 * a path or trusted as content. */
#include "image-internal.h"

#include "str-util.h"
#include "valid.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
image_digest_parse(const char *digest, char hex[IMAGE_SHA256_HEX_LEN + 1])
{
	if (!digest || !str_has_prefix(digest, "sha256:") || !valid_full_id(digest + 7))
		return -EINVAL;
	memcpy(hex, digest + 7, IMAGE_SHA256_HEX_LEN + 1);
	return 0;
}

int
image_digest_fd(int fd, char hex[IMAGE_SHA256_HEX_LEN + 1], uint64_t *ret_size)
{
	static char buf[256 * 1024];
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	uint64_t total = 0;
	off_t off = 0;

	sha256_init(&ctx);
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
		off += n;
		total += (uint64_t)n;
	}
	sha256_digest(&ctx, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	if (ret_size)
		*ret_size = total;
	return 0;
}
