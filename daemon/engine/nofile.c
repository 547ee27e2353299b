/* The daemon's file descriptor limit: raised at start so that the
 * connection limits, not EMFILE, decide who is refused (root never is),
 * and given back to the processes it forks (shims, so containers keep the
 * limit the daemon was started with, and lite-image). */
#include "daemon.h"

#include <sys/resource.h>

#include "log.h"

void
nofile_raise(struct daemon *d)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)d->cfg.limits.max_conns + 4096;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	d->nofile_orig = rl;
	if (rl.rlim_cur >= want || rl.rlim_cur == rl.rlim_max)
		return;
	/* 1024 soft under systemd; room for max-connections and the rest */
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("raise RLIMIT_NOFILE to %llu", (unsigned long long)rl.rlim_cur);
}

void
nofile_restore(struct daemon *d)
{
	if (d->nofile_orig.rlim_cur)
		(void)setrlimit(RLIMIT_NOFILE, &d->nofile_orig);
}
