/* Harness: a whole archive as `lite load` and `lite import` read it
 * (libarchive: any tar dialect, any compression) unpacked by lite's safe
 * extraction (image_unpack_into: the openat walk, whiteouts, links,
 * owners). The promise checked: nothing is ever written outside the target
 * directory, whatever the archive's paths, links or symlinks say. Each run
 * unpacks into a fresh directory of a private scratch tree and removes it. */
#include "fuzz.h"

#include "fd-util.h"
#include "fs-util.h"
#include "image-internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[64];

static void
remove_scratch(void)
{
	(void)fs_rm_rf(scratch);
}

/* The scratch tree holds the archive file and the target dir, nothing else:
 * any other entry after a run was written by the archive. */
static void
check_nothing_escaped(void)
{
	DIR *d = opendir(scratch);
	struct dirent *de;

	FUZZ_ASSERT(d != NULL);
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		FUZZ_ASSERT(!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "in.tar") ||
			    !strcmp(n, "root"));
	}
	closedir(d);
}

static void
write_input(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(fd_write_all(fd, data, size) == (ssize_t)size);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char archive[96], root[96];
	struct lite_err err = { 0 };

	if (!scratch[0]) {
		snprintf(scratch, sizeof(scratch), "/tmp/lite-fuzz-unpack.XXXXXX");
		FUZZ_ASSERT(mkdtemp(scratch) != NULL);
		atexit(remove_scratch);
	}
	snprintf(archive, sizeof(archive), "%s/in.tar", scratch);
	snprintf(root, sizeof(root), "%s/root", scratch);
	write_input(archive, data, size);
	FUZZ_ASSERT(mkdir(root, 0755) == 0);
	(void)image_unpack_into(root, archive, &err);
	lite_err_clear(&err);
	check_nothing_escaped();
	FUZZ_ASSERT(fs_rm_rf(root) == 0);
	return 0;
}
