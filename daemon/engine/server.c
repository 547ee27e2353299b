/* The listening socket: our own at the configured path (mode 0660, group
 * lite), or the one systemd passes (LISTEN_FDS); accept; sd_notify. */
#include "daemon.h"
#include "docker-api.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fd-util.h"
#include "log.h"
#include "peer.h"
#include "proto.h"
#include "req.h"

#define SD_LISTEN_FDS_START 3

/* Out of file descriptors: the spare one is given up to accept the
 * waiting connection, tell it why and close it, then taken back. Without
 * it the connection would stay queued, the listening socket readable, and
 * the loop spinning; the client would hang. */
static void
refuse_emfile(struct daemon *d, int fd)
{
	struct proto_error err = { .code = PROTO_E_ENGINE, .kind = PROTO_KIND_TOO_MANY_CONNECTIONS };
	char *line;
	int cfd;

	if (d->spare_fd < 0)
		return;
	close(d->spare_fd);
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd >= 0) {
		snprintf(err.message, sizeof(err.message),
			 "too many connections: the daemon is out of file descriptors (%d open connections)",
			 d->n_peers);
		line = proto_error_line(NULL, &err);
		if (line)
			(void)send(cfd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
		free(line);
		close(cfd);
	}
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	for (int i = 0; i < 32; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0 && (errno == EMFILE || errno == ENFILE)) {
			log_warnx("refusing a connection: out of file descriptors");
			refuse_emfile(d, fd);
			continue;
		}
		if (cfd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("accept");
			return;
		}
		peer_new(d, cfd, req_dispatch, NULL);
	}
}

/* The sockets systemd passed us (LISTEN_FDS): the one named "docker"
 * (FileDescriptorName=docker, containerd-lite-docker.socket) serves the
 * Docker Engine API; the other one is the lite socket, returned (-1: none). */
static int
systemd_sockets(struct daemon *d)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS"), *names = getenv("LISTEN_FDNAMES");
	char *copy = names ? strdup(names) : NULL, *save = NULL, *name;
	int n = fds ? atoi(fds) : 0, lite = -1;

	if (!pid || atoi(pid) != getpid() || n < 1) {
		free(copy);
		return -1;
	}
	name = copy ? strtok_r(copy, ":", &save) : NULL;
	for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fd_set_nonblock(fd, 1);
		if (name && !strcmp(name, "docker"))
			docker_api_add_fd(d, fd);
		else if (lite < 0)
			lite = fd;
		name = name ? strtok_r(NULL, ":", &save) : NULL;
	}
	free(copy);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return lite;
}

/* Refuse to steal the socket of a daemon that still answers on it. */
static bool
socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

static int
own_socket(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct group *gr;
	mode_t old_umask;
	int fd, r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->cfg.socket_path);
	if (socket_in_use(&sa))
		fatalx("another daemon is already listening on %s", d->cfg.socket_path);
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		fatal("socket");
	old_umask = umask(0117);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_umask);
	if (r < 0)
		fatal("bind %s", sa.sun_path);
	gr = getgrnam(d->cfg.group);
	if (gr && chown(sa.sun_path, 0, gr->gr_gid) < 0)
		log_warn("chown %s to group %s", sa.sun_path, d->cfg.group);
	if (!gr)
		log_warnx("group '%s' does not exist: only root can use %s", d->cfg.group, sa.sun_path);
	chmod(sa.sun_path, 0660);
	if (listen(fd, 128) < 0)
		fatal("listen %s", sa.sun_path);
	return fd;
}

int
server_listen(struct daemon *d)
{
	nofile_raise(d);
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	d->listen_fd = systemd_sockets(d);
	d->listen_from_systemd = d->listen_fd >= 0;
	if (d->listen_fd < 0)
		d->listen_fd = own_socket(d);
	d->listen_ev = event_new(d->base, d->listen_fd, EV_READ | EV_PERSIST, on_accept, d);
	event_add(d->listen_ev, NULL);
	log_info("listening on %s%s", d->listen_from_systemd ? "the socket from systemd" : d->cfg.socket_path,
		 "");
	return 0;
}

void
server_shutdown(struct daemon *d)
{
	if (d->listen_ev)
		event_free(d->listen_ev);
	d->listen_ev = NULL;
	if (d->listen_fd >= 0)
		close(d->listen_fd);
	if (!d->listen_from_systemd)
		unlink(d->cfg.socket_path);
}

void
server_notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
		log_warn("sd_notify");
	close(fd);
}
