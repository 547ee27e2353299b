/* lite-image du: the sizes ps --size, Docker's SizeRw and volume sizes
 * show. A user controls what is below a container's upper directory or a
 * volume: walked here, in a helper process, with common/fs-walk.c (no
 * recursion, two fds), never on the daemon's loop. */
#include "image-du.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "fs-walk.h"

struct du {
	bool blocks;
	uint64_t bytes;
};

static int
add(const struct stat *st, void *arg)
{
	struct du *du = arg;

	if (du->blocks && !S_ISDIR(st->st_mode) && !S_ISLNK(st->st_mode))
		du->bytes += (uint64_t)st->st_blocks * 512;
	else if (!du->blocks && S_ISREG(st->st_mode))
		du->bytes += (uint64_t)st->st_size;
	return 0;
}

uint64_t
image_du_tree(const char *path, const char *mode)
{
	struct du du = { .blocks = !strcmp(mode, "blocks") };

	(void)fs_walk(path, add, &du); /* what it saw: a lower bound */
	return du.bytes;
}

int
image_du(const char *mode, int n, char **paths, json_t **ret, struct lite_err *err)
{
	json_t *sizes = json_array();

	if (strcmp(mode, "size") && strcmp(mode, "blocks")) {
		json_decref(sizes);
		return lite_err_set(err, EINVAL, "lite-image du: unknown mode %s", mode);
	}
	for (int i = 0; i < n; i++)
		json_array_append_new(sizes, json_integer((json_int_t)image_du_tree(paths[i], mode)));
	*ret = json_pack("{s:o}", "sizes", sizes);
	return *ret ? 0 : lite_err_set(err, ENOMEM, "out of memory");
}
