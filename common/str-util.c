/* Pure parsing and formatting of user-supplied strings. */
#include "str-util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
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
signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

bool
name_is_valid(const char *s)
{
	size_t n;

	if (!s || !isalnum((unsigned char)s[0]))
		return false;
	for (n = 1; s[n]; n++) {
		char c = s[n];
		if (!isalnum((unsigned char)c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return n <= 128;
}

bool
image_ref_is_valid(const char *s)
{
	const char *colon, *p;
	size_t len;

	if (!s || !*s || strlen(s) > 255)
		return false;
	colon = strrchr(s, ':');
	if (colon && strchr(colon, '/'))
		colon = NULL; /* a registry port, not a tag */
	len = colon ? (size_t)(colon - s) : strlen(s);
	if (len == 0)
		return false;
	for (p = s; p < s + len; p++) {
		char c = *p;
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) ||
		      c == '.' || c == '_' || c == '-' || c == '/' || c == ':'))
			return false;
	}
	if (!isalnum((unsigned char)s[0]) || s[len - 1] == '/')
		return false;
	if (colon) {
		const char *tag = colon + 1;
		if (!*tag || strlen(tag) > 128 || !(isalnum((unsigned char)*tag) || *tag == '_'))
			return false;
		for (p = tag; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
				return false;
	}
	return true;
}

bool
id_is_full_hex(const char *s)
{
	size_t n;

	if (!s)
		return false;
	for (n = 0; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
			return false;
	return n == 64;
}

bool
env_is_valid(const char *s)
{
	const char *eq = s ? strchr(s, '=') : NULL;

	return eq && eq != s;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void
format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 999.5 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.3g%s", v, units[u]);
}

void
format_ago(int64_t seconds, char *buf, size_t len)
{
	static const struct { int64_t secs; const char *unit; } steps[] = {
		{ 86400 * 7, "week" }, { 86400, "day" }, { 3600, "hour" }, { 60, "minute" },
	};

	if (seconds < 1) {
		snprintf(buf, len, "Less than a second ago");
		return;
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int64_t n = seconds / steps[i].secs;
		if (n >= 1) {
			snprintf(buf, len, "%lld %s%s ago", (long long)n, steps[i].unit, n > 1 ? "s" : "");
			return;
		}
	}
	snprintf(buf, len, "%lld second%s ago", (long long)seconds, seconds > 1 ? "s" : "");
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
