/* Terminals for container processes: a new pty in the container's own devpts
 * instance. */
#include "shim.h"

#include <errno.h>
#include <sys/fsuid.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int
pty_open(const char *root, unsigned short rows, unsigned short cols, int *ret_slave, int *ret_index)
{
	struct winsize ws = { .ws_row = rows ? rows : 24, .ws_col = cols ? cols : 80 };
	char path[256];
	int master, slave, unlock = 0;

	snprintf(path, sizeof(path), "%s/dev/pts/ptmx", strcmp(root, "/") ? root : "");
	master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, ret_index) < 0 ||
	    ioctl(master, TIOCSWINSZ, &ws) < 0)
		goto fail;
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		goto fail;
	*ret_slave = slave;
	return master;
fail:
	slave = -errno;
	close(master);
	return slave;
}

/* In a user namespace, a pty opened as host root would be nobody's inside
 * (K10): open it as the range's base, which is the container's root. */
int
pty_open_ctr(const struct shim_config *c, const char *root, unsigned short rows, unsigned short cols, int *ret_slave,
	     int *ret_index)
{
	int r;

	if (!c->userns.size)
		return pty_open(root, rows, cols, ret_slave, ret_index);
	setfsgid(c->userns.gid_base);
	setfsuid(c->userns.uid_base);
	r = pty_open(root, rows, cols, ret_slave, ret_index);
	setfsuid(0);
	setfsgid(0);
	return r;
}
