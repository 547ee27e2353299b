/* Parsing of the values users type, shared by daemon and client: sizes, CPU
 * counts, integers in a range, signals, detach keys. Pure, unit-tested. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
parse_size(const char *s, uint64_t *ret_bytes)
{
	static const struct { char suffix; uint64_t mult; } units[] = {
		{ 'b', 1 }, { 'k', 1ULL << 10 }, { 'm', 1ULL << 20 },
		{ 'g', 1ULL << 30 }, { 't', 1ULL << 40 },
	};
	uint64_t whole = 0, frac = 0, frac_div = 1, mult = 1;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (frac_div >= 1000000)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
		}
	}
	if (*p) {
		size_t i;
		char c = (char)tolower((unsigned char)*p++);

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (units[i].suffix == c)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		mult = units[i].mult;
		if (c != 'b' && (*p == 'b' || *p == 'B'))
			p++; /* "512mb" as docker accepts */
		if (*p)
			return -EINVAL;
	}
	if (whole > UINT64_MAX / mult)
		return -ERANGE;
	*ret_bytes = whole * mult + frac * mult / frac_div;
	return 0;
}

int
parse_cpus(const char *s, uint64_t *ret_millicpus)
{
	uint64_t whole = 0, milli = 0;
	const char *p = s;
	int digits = 0;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > 1000000)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, digits++) {
			if (digits >= 3)
				return -EINVAL;
			milli = milli * 10 + (uint64_t)(*p - '0');
		}
		if (digits == 0)
			return -EINVAL;
		for (; digits < 3; digits++)
			milli *= 10;
	}
	if (*p)
		return -EINVAL;
	if (whole * 1000 + milli == 0)
		return -ERANGE;
	*ret_millicpus = whole * 1000 + milli;
	return 0;
}

int
parse_int_range(const char *s, long long min, long long max, long long *ret)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

static const struct { int sig; const char *name; } signals[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" }, { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" }, { SIGFPE, "FPE" }, { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" },
	{ SIGCHLD, "CHLD" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" },
	{ SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" }, { SIGPWR, "PWR" }, { SIGSYS, "SYS" },
};

int
parse_signal(const char *s, int *ret_sig)
{
	long long n;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		if (parse_int_range(s, 1, 64, &n) < 0)
			return -EINVAL;
		*ret_sig = (int)n;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (strcasecmp(s, signals[i].name) == 0) {
			*ret_sig = signals[i].sig;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
parse_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

/* "ctrl-X" -> its control code, "x" -> 'x'. */
static int
detach_key(const char *k, size_t len, unsigned char *ret)
{
	static const char ctl_punct[] = "@[\\]^_";

	if (len == 1) {
		*ret = (unsigned char)k[0];
		return 0;
	}
	if (len != 6 || strncasecmp(k, "ctrl-", 5) != 0)
		return -EINVAL;
	if (isalpha((unsigned char)k[5]))
		*ret = (unsigned char)(tolower((unsigned char)k[5]) - 'a' + 1);
	else if (strchr(ctl_punct, k[5]))
		*ret = (unsigned char)(k[5] == '@' ? 0 : 27 + (strchr(ctl_punct, k[5]) - ctl_punct) - 1);
	else
		return -EINVAL;
	return 0;
}

int
parse_detach_keys(const char *spec, unsigned char *keys, size_t max, size_t *ret_n)
{
	size_t n = 0;

	while (*spec) {
		size_t len = strcspn(spec, ",");

		if (n == max || detach_key(spec, len, &keys[n]) < 0)
			return -EINVAL;
		n++;
		spec += len;
		if (*spec == ',' && !*++spec)
			return -EINVAL; /* trailing comma */
	}
	*ret_n = n;
	return 0;
}
