/* The rules for a non-root caller's bind source (issue 11 A2): the path
 * is resolved with openat2(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS),
 * so swapping a component for a symlink cannot redirect it; only regular
 * files and directories (no devices, FIFOs or sockets); reopening the
 * O_PATH fd checks read permission on the object itself; a read-write
 * bind needs write access, checked on that very fd. */
#include "caller-path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
caller_path_open(const char *src, bool readonly, int *ret_fd)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	char self[64];
	struct stat st;
	int path_fd, fd, r = 0;

	path_fd = (int)syscall(SYS_openat2, AT_FDCWD, src, &how, sizeof(how));
	if (path_fd < 0)
		return -errno;
	if (fstat(path_fd, &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
		close(path_fd);
		return -EISDIR;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", path_fd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		r = -errno;
	else if (!readonly && syscall(SYS_faccessat2, fd, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		r = -EROFS;
	close(path_fd);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

void
caller_path_explain(const char *src, int r, char *buf, size_t len)
{
	if (r == -ELOOP)
		snprintf(buf, len, "bind source \"%s\" contains a symlink; use its real path", src);
	else if (r == -EISDIR)
		snprintf(buf, len, "bind source \"%s\": only files and directories can be bound", src);
	else if (r == -EROFS)
		snprintf(buf, len, "bind source \"%s\": you cannot write to it (Permission denied); bind it :ro", src);
	else
		snprintf(buf, len, "bind source \"%s\": you cannot open it (%s)", src, strerror(-r));
}
