/*
 * lite-test-helper: a small static program that integration tests run
 * inside containers, to observe what busybox alone cannot show (tty state,
 * signal delivery, memory limits, zombie reaping).  One subcommand per
 * behaviour; output is one short line per fact, flushed at once, so a test
 * can read it through a pipe, a pty or a container log.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>

static const char usage_text[] =
	"usage: lite-test-helper COMMAND [ARG]\n"
	"  isatty        print \"tty|notty tty|notty\" for fd 0 and 1;\n"
	"                exit 0 if stdin is a tty, else 1\n"
	"  sleep SECS    sleep SECS seconds (fractions allowed)\n"
	"  exit N        exit with status N (0-255)\n"
	"  memhog MB     allocate and touch MB MiB, print \"allocated MB MB\"\n"
	"  orphans N     fork N grandchildren that outlive their parent, print\n"
	"                \"orphans PID...\"; each exits after about 200 ms\n"
	"  pid           print getpid()\n"
	"  udp-echo PORT answer each UDP datagram on PORT with \"echo:\" + it\n"
	"  sigwait       print \"ready\", then \"got SIGNAME\" per INT TERM HUP\n"
	"                QUIT USR1 USR2 received; exit 0 after TERM\n"
	"  winsize       print \"ROWS COLS\" of stdin's tty\n"
	"  cat           copy stdin to stdout\n"
	"  setuid0       setresuid(0,0,0); print \"setuid0=ok|refused uid=R euid=E\"; exit 0|1\n"
	"  sys NAME...   try each syscall probe, print NAME=OK or NAME=ERRNO-NAME:\n"
	"                keyctl add_key request_key unshare_user clone_newuser clone3\n"
	"                mount bpf perf_event_open open_by_handle_at kexec_load\n"
	"                io_uring_setup socket_vsock personality_norandom fork mseal\n"
	"  open PATH     open(PATH, O_RDWR); print open=OK or open=ERRNO-NAME\n"
	"  deep N DIR    in DIR, a chain of N directories \"d\" (relative mkdir and\n"
	"                chdir: any depth), a 5-byte file \"end\" at the bottom\n"
	"  files N DIR   N empty files in DIR, 1,000 per subdirectory\n";

static int
usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

/* Parse a non-negative decimal integer no larger than max. */
static bool
parse_uint(const char *s, long max, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return false;
	*ret = v;
	return true;
}

static int
cmd_isatty(void)
{
	bool in = isatty(0), out = isatty(1);

	printf("%s %s\n", in ? "tty" : "notty", out ? "tty" : "notty");
	return in ? 0 : 1;
}

static int
cmd_sleep(const char *arg)
{
	struct timespec ts;
	char *end;
	double secs;

	errno = 0;
	secs = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(secs >= 0) || secs > 1e9)
		return usage();
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int
cmd_memhog(long mb)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)mb << 20;
	volatile char *p;

	p = malloc(len ? len : 1);
	if (!p) {
		perror("malloc");
		return 1;
	}
	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = 1;
	printf("allocated %ld MB\n", mb);
	return 0;
}

/*
 * The child forks the grandchildren and exits at once, so they are
 * reparented to the container's init (or the nearest subreaper), which must
 * reap them when they exit.
 */
static int
cmd_orphans(long n)
{
	int pfd[2], status;
	pid_t child;

	if (pipe(pfd) < 0) {
		perror("pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		close(pfd[0]);
		for (long i = 0; i < n; i++) {
			pid_t g = fork();
			if (g == 0) {
				struct timespec ts = { 0, 200 * 1000 * 1000 };
				close(pfd[1]);
				nanosleep(&ts, NULL);
				_exit(0);
			}
			if (g > 0 && write(pfd[1], &g, sizeof(g)) != sizeof(g))
				_exit(1);
		}
		_exit(0);
	}
	close(pfd[1]);
	if (waitpid(child, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	fputs("orphans", stdout);
	for (pid_t g; read(pfd[0], &g, sizeof(g)) == sizeof(g);)
		printf(" %d", (int)g);
	putchar('\n');
	close(pfd[0]);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* Signals are written to a self-pipe by the handler and named by main. */
static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

static int
cmd_sigwait(void)
{
	static const struct {
		int sig;
		const char *name;
	} sigs[] = {
		{ SIGINT, "SIGINT" },   { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
		{ SIGQUIT, "SIGQUIT" }, { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
	};
	struct sigaction sa;
	unsigned char c;

	if (pipe(sig_pipe) < 0) {
		perror("pipe");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i].sig, &sa, NULL) < 0) {
			perror("sigaction");
			return 1;
		}
	puts("ready");
	fflush(stdout);
	for (;;) {
		ssize_t r = read(sig_pipe[0], &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != 1)
			return 1;
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (sigs[i].sig == c)
				printf("got %s\n", sigs[i].name);
		fflush(stdout);
		if (c == SIGTERM)
			return 0;
	}
}

static int
cmd_winsize(void)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) < 0) {
		perror("TIOCGWINSZ");
		return 1;
	}
	printf("%u %u\n", ws.ws_row, ws.ws_col);
	return 0;
}

static int
cmd_cat(void)
{
	char buf[65536];

	for (;;) {
		ssize_t r = read(0, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("read");
			return 1;
		}
		if (r == 0)
			return 0;
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(1, buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				perror("write");
				return 1;
			}
			off += w;
		}
	}
}

/* udp-echo PORT: answer every datagram with "echo:" + its payload. */
static int
cmd_udp_echo(long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct sockaddr_in from;
	socklen_t flen;
	char buf[1500];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udp-echo");
		return 1;
	}
	memcpy(buf, "echo:", 5);
	for (;;) {
		ssize_t n;
		flen = sizeof(from);
		n = recvfrom(fd, buf + 5, sizeof(buf) - 5, 0, (struct sockaddr *)&from, &flen);
		if (n >= 0)
			sendto(fd, buf, (size_t)n + 5, 0, (struct sockaddr *)&from, flen);
	}
}

static int
cmd_setuid0(void)
{
	int r = setresuid(0, 0, 0);

	printf("setuid0=%s uid=%d euid=%d\n", r == 0 ? "ok" : "refused", (int)getuid(), (int)geteuid());
	return r == 0 ? 0 : 1;
}

static const char *
errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EROFS: return "EROFS";
	default: return "EOTHER";
	}
}

/* A child that exits at once: the parent reaps it. */
static long
reap(long pid)
{
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid < 0 ? -1 : 0;
}

/* One probe: its raw syscall result (-1 with errno, or >= 0). The
 * arguments are harmless: what matters is whether the filter lets the
 * call reach the kernel (EPERM/ENOSYS from seccomp) or not. */
static long
probe(const char *n)
{
	static const unsigned char insns[16] = { 0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0 };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	union { unsigned int u[32]; } attr = { { 0 } };

	if (!strcmp(n, "keyctl")) return syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 1);
	if (!strcmp(n, "add_key")) return syscall(SYS_add_key, "user", "lt", "x", 1, -2 /* process */);
	if (!strcmp(n, "request_key")) return syscall(SYS_request_key, "user", "lt", NULL, 0);
	if (!strcmp(n, "unshare_user")) return unshare(CLONE_NEWUSER);
	if (!strcmp(n, "clone_newuser")) return reap(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
	if (!strcmp(n, "clone3")) return reap(syscall(SYS_clone3, &ca, sizeof(ca)));
	if (!strcmp(n, "mount")) return mount("none", "/tmp", "tmpfs", 0, NULL);
	if (!strcmp(n, "bpf")) {
		attr.u[0] = 1; /* BPF_PROG_TYPE_SOCKET_FILTER */
		attr.u[1] = 2;
		memcpy(&attr.u[2], &(const void *){ insns }, sizeof(void *));
		memcpy(&attr.u[4], &(const char *){ "GPL" }, sizeof(void *));
		return syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, &attr, sizeof(attr));
	}
	if (!strcmp(n, "perf_event_open")) return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (!strcmp(n, "open_by_handle_at")) return syscall(SYS_open_by_handle_at, -1, NULL, 0);
	if (!strcmp(n, "kexec_load")) return syscall(SYS_kexec_load, 0, 0, NULL, 0);
	if (!strcmp(n, "io_uring_setup")) return syscall(SYS_io_uring_setup, 1, &attr);
	if (!strcmp(n, "socket_vsock")) return socket(40 /* AF_VSOCK */, SOCK_STREAM, 0);
	if (!strcmp(n, "personality_norandom")) return syscall(SYS_personality, ADDR_NO_RANDOMIZE);
	if (!strcmp(n, "fork")) return reap(fork());
	if (!strcmp(n, "mseal")) return syscall(462, 0, 0, 0); /* newer than libseccomp 2.5.4 */
	errno = EINVAL;
	return -2;
}

static int
cmd_sys(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		long r;

		errno = 0;
		r = probe(argv[i]);
		if (r == -2) {
			fprintf(stderr, "unknown probe %s\n", argv[i]);
			return 2;
		}
		/* no filter: a probe that reached the kernel and failed there
		 * (EINVAL, EFAULT, EBADF...) still counts as reaching it */
		printf("%s=%s\n", argv[i], r >= 0 || (errno != EPERM && errno != ENOSYS) ? "OK" : errno_name(errno));
	}
	return 0;
}

static int
cmd_open(const char *path)
{
	int fd = open(path, O_RDWR);

	printf("open=%s\n", fd >= 0 ? "OK" : errno_name(errno));
	return 0;
}

static int
cmd_deep(long n, const char *dir)
{
	FILE *f;

	if (chdir(dir) < 0)
		return perror(dir), 1;
	for (long i = 0; i < n; i++)
		if ((mkdir("d", 0755) < 0 && errno != EEXIST) || chdir("d") < 0)
			return perror("deep"), 1;
	f = fopen("end", "w");
	if (!f || fputs("12345", f) < 0 || fclose(f) != 0)
		return perror("end"), 1;
	printf("deep %ld\n", n);
	return 0;
}

static int
cmd_files(long n, const char *dir)
{
	char name[64];

	if (chdir(dir) < 0)
		return perror(dir), 1;
	for (long i = 0; i < n; i++) {
		FILE *f;

		snprintf(name, sizeof(name), "s%ld", i / 1000);
		if (i % 1000 == 0 && mkdir(name, 0755) < 0 && errno != EEXIST)
			return perror(name), 1;
		snprintf(name, sizeof(name), "s%ld/f%ld", i / 1000, i);
		if (!(f = fopen(name, "w")) || fclose(f) != 0)
			return perror(name), 1;
	}
	printf("files %ld\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	const char *arg = argc > 2 ? argv[2] : NULL;
	long n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!cmd)
		return usage();

	if (!strcmp(cmd, "sys"))
		return cmd_sys(argc - 2, argv + 2);
	if (argc == 2) {
		if (!strcmp(cmd, "setuid0"))
			return cmd_setuid0();
		if (!strcmp(cmd, "isatty"))
			return cmd_isatty();
		if (!strcmp(cmd, "pid"))
			return printf("%d\n", (int)getpid()) < 0;
		if (!strcmp(cmd, "sigwait"))
			return cmd_sigwait();
		if (!strcmp(cmd, "winsize"))
			return cmd_winsize();
		if (!strcmp(cmd, "cat"))
			return cmd_cat();
	} else if (argc == 3) {
		if (!strcmp(cmd, "sleep"))
			return cmd_sleep(arg);
		if (!strcmp(cmd, "open"))
			return cmd_open(arg);
		if (!strcmp(cmd, "exit") && parse_uint(arg, 255, &n))
			return (int)n;
		if (!strcmp(cmd, "memhog") && parse_uint(arg, LONG_MAX >> 20, &n))
			return cmd_memhog(n);
		if (!strcmp(cmd, "orphans") && parse_uint(arg, 4096, &n))
			return cmd_orphans(n);
		if (!strcmp(cmd, "udp-echo") && parse_uint(arg, 65535, &n))
			return cmd_udp_echo(n);
	} else if (argc == 4) {
		if (!strcmp(cmd, "deep") && parse_uint(arg, 10000000, &n))
			return cmd_deep(n, argv[3]);
		if (!strcmp(cmd, "files") && parse_uint(arg, 100000000, &n))
			return cmd_files(n, argv[3]);
	}
	return usage();
}
