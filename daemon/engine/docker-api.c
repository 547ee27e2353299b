/* The Docker Engine API's sockets (issue 16). containerd-lite listens on
 * them (default: lite-docker.sock next to the lite socket, 0660 root and
 * the lite group, like it), and runs lite-docker-api (daemon/docker/) for
 * each connection: as the caller (SO_PEERCRED's uid and gid, plus the
 * lite group to reach the lite socket), the connection as its fd 3. That
 * process speaks HTTP and turns each API request into lite requests on
 * the lite socket, where they are authorized as the caller's own: the
 * daemon parses no HTTP and keeps no second state.
 *
 * Safety: the helper never runs with more than the caller's identity; a
 * caller's open API connections are bounded by max-connections-per-user
 * (root exempt), counted until each helper exits (a pidfd on the loop). */
#include "docker-api.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

struct helper {
	struct daemon *d;
	uid_t uid;
	int pidfd;
	struct event *ev;
};

static int
open_listener(struct daemon *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct group *gr = getgrnam(d->cfg.group);
	mode_t old = umask(0117);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 128) < 0) {
		log_warn("docker-api: cannot listen on %s (the Docker Engine API stays off there)", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (gr && chown(path, 0, gr->gr_gid) < 0)
		log_warn("docker-api: chown %s", path);
	chmod(path, 0660);
	return fd;
}

static unsigned
helpers_of(struct daemon *d, uid_t uid)
{
	unsigned n = 0;

	for (size_t i = 0; i < d->docker.n_helpers; i++)
		n += d->docker.helper_uids[i] == uid;
	return n;
}

static void
count(struct daemon *d, uid_t uid, int delta)
{
	if (delta > 0) {
		uid_t *nv = realloc(d->docker.helper_uids, (d->docker.n_helpers + 1) * sizeof(uid_t));

		if (nv) {
			d->docker.helper_uids = nv;
			nv[d->docker.n_helpers++] = uid;
		}
		return;
	}
	for (size_t i = 0; i < d->docker.n_helpers; i++)
		if (d->docker.helper_uids[i] == uid) {
			d->docker.helper_uids[i] = d->docker.helper_uids[--d->docker.n_helpers];
			return;
		}
}

static void
on_helper_exit(evutil_socket_t fd, short what, void *arg)
{
	struct helper *h = arg;

	count(h->d, h->uid, -1);
	event_free(h->ev);
	close(h->pidfd);
	free(h);
}

/* The helper's groups: the caller's own (SO_PEERGROUPS, so host binds are
 * opened with exactly the caller's access, as on lite's socket) plus the
 * lite group when it exists, to reach the lite socket. Never group 0
 * unless the caller has it. */
static int
helper_groups(int cfd, const struct ucred *cr, const struct group *gr, gid_t *groups, size_t max)
{
	socklen_t len = (socklen_t)((max - 1) * sizeof(gid_t));
	int n = getsockopt(cfd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0 ? (int)(len / sizeof(gid_t)) : 0;
	bool have = false;

	if (!n)
		groups[n++] = cr->gid;
	for (int i = 0; gr && i < n; i++)
		have = have || groups[i] == gr->gr_gid;
	if (gr && gr->gr_gid != 0 && !have)
		groups[n++] = gr->gr_gid;
	return n;
}

/* In the child: become the caller, the connection as fd 3, exec. It
 * dies with the daemon (SIGKILL as its parent-death signal, set after the
 * uid change, which clears it). Its stdin, stdout and stderr are
 * /dev/null, never the daemon's: the caller may ptrace their own helper,
 * and the daemon's stderr is its log (audit lines a user must not write). */
static int
null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return -1;
	return fd > 3 ? close(fd) : 0;
}

static void __attribute__((noreturn))
run_helper(struct daemon *d, int cfd, const struct ucred *cr, const gid_t *groups, int n_groups, pid_t daemon_pid)
{
	char timeout[32];
	char *args[] = { "lite-docker-api", d->cfg.socket_path, timeout, NULL };
	sigset_t none;

	snprintf(timeout, sizeof(timeout), "%" PRId64, d->cfg.limits.request_timeout_ms);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(cfd, 3) < 0 || null_stdio() < 0 || setgroups((size_t)n_groups, groups) < 0 || setresgid(cr->gid, cr->gid, cr->gid) < 0 ||
	    setresuid(cr->uid, cr->uid, cr->uid) < 0)
		_exit(127);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != daemon_pid)
		_exit(127);
	execv(d->docker.helper_path, args);
	_exit(127);
}

static void
spawn(struct daemon *d, int cfd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct group *gr = getgrnam(d->cfg.group);
	gid_t groups[66];
	int n_groups;
	struct helper *h;
	pid_t pid, self = getpid();

	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return;
	if (cr.uid != 0 && helpers_of(d, cr.uid) >= (unsigned)d->cfg.limits.max_conns_per_user) {
		static const char busy[] = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
					   "Content-Length: 44\r\nConnection: close\r\n\r\n{\"message\":\"too many connections of yours\"}\n";

		(void)!write(cfd, busy, sizeof(busy) - 1);
		return;
	}
	n_groups = helper_groups(cfd, &cr, gr, groups, sizeof(groups) / sizeof(groups[0]));
	pid = fork();
	if (pid == 0)
		run_helper(d, cfd, &cr, groups, n_groups, self);
	if (pid < 0) {
		log_warn("docker-api: fork");
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h || (h->pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		free(h);
		return;   /* not counted; the kernel reaps it (SIGCHLD ignored) */
	}
	h->d = d;
	h->uid = cr.uid;
	h->ev = event_new(d->base, h->pidfd, EV_READ, on_helper_exit, h);
	event_add(h->ev, NULL);
	count(d, cr.uid, +1);
}

static void
on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	for (int i = 0; i < 32; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (cfd < 0)
			return;
		spawn(d, cfd);
		close(cfd);
	}
}

void
docker_api_add_fd(struct daemon *d, int fd)
{
	if (d->docker.n_fds < DOCKER_API_MAX_SOCKETS)
		d->docker.fds[d->docker.n_fds++] = fd;
}

int
docker_api_listen(struct daemon *d)
{
	bool from_systemd = d->docker.n_fds > 0;

	/* Under socket activation the units say which sockets exist: without
	 * one named "docker" the API is off, unless configured explicitly. */
	if (!from_systemd && d->listen_from_systemd && !d->cfg.docker_api_set) {
		log_info("Docker Engine API off: systemd passed no socket named docker (containerd-lite-docker.socket)");
		return 0;
	}
	if (!from_systemd)
		for (size_t i = 0; i < d->cfg.n_docker_api; i++) {
			int fd = open_listener(d, d->cfg.docker_api[i]);

			if (fd >= 0)
				docker_api_add_fd(d, fd);
		}
	for (size_t i = 0; i < d->docker.n_fds; i++) {
		d->docker.evs[i] = event_new(d->base, d->docker.fds[i], EV_READ | EV_PERSIST, on_accept, d);
		event_add(d->docker.evs[i], NULL);
		log_info("Docker Engine API on %s", from_systemd ? "a socket from systemd" : d->cfg.docker_api[i]);
	}
	d->docker.from_systemd = from_systemd;
	return 0;
}

void
docker_api_shutdown(struct daemon *d)
{
	for (size_t i = 0; i < d->docker.n_fds; i++) {
		if (d->docker.evs[i])
			event_free(d->docker.evs[i]);
		close(d->docker.fds[i]);
		if (!d->docker.from_systemd && i < d->cfg.n_docker_api)
			unlink(d->cfg.docker_api[i]);
	}
	d->docker.n_fds = 0;
	free(d->docker.helper_uids);
}
