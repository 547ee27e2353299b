/* lite-shim entry point: read the config the daemon wrote, open the attach
 * socket, create the container's init, report "ok PID" or "err CODE MSG" on
 * fd 3 to the daemon, then serve the container until it exits.
 *
 * Usage: lite-shim CONFIG.json   (fd 3: the daemon's sync pipe) */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "crash-point.h"
#include "fd-util.h"
#include "log.h"
#include "strv.h"
#include "text-trim.h"

#define SYNC_FD 3

/* config.json as the engine wrote it (shim-config.c knows its keys). */
static int
load_config(const char *path, struct shim_config *c, char *errbuf, size_t errlen)
{
	char why[256];
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int r;

	if (!root) {
		memset(c, 0, sizeof(*c));
		snprintf(errbuf, errlen, "read %s: %s", path, jerr.text);
		return -1;
	}
	r = shim_config_from_json(root, c, why, sizeof(why));
	json_decref(root);
	if (r < 0)
		snprintf(errbuf, errlen, "%s: %s", path, why);
	return r;
}

static int
listen_unix(const char *path, char *errbuf, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(errbuf, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		close(fd);
		goto fail;
	}
	return fd;
fail:
	snprintf(errbuf, errlen, "attach socket %s: %s", path, strerror(errno));
	return -1;
}

/* Wait for init's "ready" record, or its set-up failure. */
static int
await_ready(struct spawn_result *sp, char *errbuf, size_t errlen)
{
	struct spawn_error e;
	ssize_t n = fd_read_all(sp->error_fd, &e, sizeof(e));

	if (n == (ssize_t)sizeof(e) && e.exit_code == 0)
		return 0;
	if (n == (ssize_t)sizeof(e)) {
		e.msg[sizeof(e.msg) - 1] = '\0';
		snprintf(errbuf, errlen, "%s", e.msg);
	} else {
		snprintf(errbuf, errlen, "container init died during set-up");
	}
	return -1;
}

/* One line to the daemon: "ok PID" or "err CODE MESSAGE". */
static void
report(bool ok, long n, const char *msg)
{
	char line[600];
	int len = ok ? snprintf(line, sizeof(line), "ok %ld\n", n)
		     : snprintf(line, sizeof(line), "err %ld %s\n", n, msg);

	(void)!fd_write_all(SYNC_FD, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
	close(SYNC_FD);
}

int
main(int argc, char **argv)
{
	struct shim_config c;
	struct spawn_result sp;
	char err[512] = "";
	int listen_fd, r;

	log_init("lite-shim", LOG_LVL_INFO);
	if (argc != 2) {
		fprintf(stderr, "usage: lite-shim CONFIG.json (started by containerd-lite)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL); /* inherited dispositions must not auto-reap init */
	if (fcntl(SYNC_FD, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "lite-shim: fd 3 must be the daemon's sync pipe\n");
		return 2;
	}
	if (load_config(argv[1], &c, err, sizeof(err)) < 0 || seccomp_load_read(c.seccomp, err, sizeof(err)) < 0) {
		report(false, 125, err);
		shim_config_free(&c);
		return 1;
	}
	listen_fd = listen_unix(c.attach_path, err, sizeof(err));
	if (listen_fd < 0 || spawn_container(&c, &sp, err, sizeof(err)) < 0 ||
	    await_ready(&sp, err, sizeof(err)) < 0) {
		report(false, 125, err);
		if (c.attach_path)
			unlink(c.attach_path);
		shim_config_free(&c);
		return 1;
	}
	CRASH_POINT("shim.after-init"); /* init made and set up, not yet reported */
	report(true, (long)sp.pid, NULL);
	text_trim(false); /* start-up's code pages out of VmRSS: common/text-trim.c */
	r = shim_io_run(&c, &sp, listen_fd);
	unlink(c.attach_path);
	shim_config_free(&c);
	return r;
}
