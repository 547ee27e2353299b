/* lite-import: unpack one rootfs tarball into the image store, in a process
 * of its own. The daemon runs it for every import so that hostile archives
 * are parsed outside the daemon and libarchive's dependencies never load
 * into it, and so the event loop never waits for a disk.
 *
 * Usage: lite-import DATA_ROOT TARBALL NAME[:TAG]
 * Prints one line: "ok sha256:HEX" or "err ERRNO MESSAGE". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "image-store.h"
#include "log.h"

int
main(int argc, char **argv)
{
	struct lite_err err = { 0 };
	char *id = NULL;
	int r;

	log_init("lite-import", LOG_LVL_WARN);
	if (argc != 4) {
		fprintf(stderr, "usage: lite-import DATA_ROOT TARBALL NAME[:TAG] (run by containerd-lite)\n");
		return 2;
	}
	r = image_import_tar(argv[1], argv[2], argv[3], &id, &err);
	if (r < 0)
		printf("err %d %s\n", -r, err.msg ? err.msg : "import failed");
	else
		printf("ok %s\n", id);
	free(id);
	lite_err_clear(&err);
	return r < 0 ? 1 : 0;
}
