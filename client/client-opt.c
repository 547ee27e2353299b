/* The one option parser every subcommand uses: getopt_long, but with exact
 * long names only and Docker's --flag=BOOL. getopt_long's prefix matching
 * silently changes a command's meaning as options are added (--device was
 * taken as --device-read-bps, --pid as --pids-limit), so argv is checked
 * against the table first; a value given to a flag that takes none (--rm=true,
 * -d=false) is read as a boolean and argv rewritten to what getopt knows.
 * Pure (libc only): linked by the unit tests too. */
#include "client-opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_FLAG 125 /* Docker's exit code for a flag error */

/* Docker's flags take strconv.ParseBool's words. */
int
client_opt_parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return *ret = true, 0;
		if (!strcmp(s, no[i]))
			return *ret = false, 0;
	}
	return -1;
}

static const struct option *
find_long(const struct option *opts, const char *name, size_t len)
{
	for (const struct option *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* The one option that name abbreviates, for a hint; NULL if none or several. */
static const struct option *
find_prefix(const struct option *opts, const char *name, size_t len)
{
	const struct option *hit = NULL;

	for (const struct option *o = opts; len && o && o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (hit)
			return NULL;
		hit = o;
	}
	return hit;
}

static void
drop(int *argc, char **argv, int i)
{
	memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(char *)); /* with argv[argc] == NULL */
	(*argc)--;
}

/* A boolean value for flag; -1 with err set when it is none. */
static int
bool_value(const char *flag, size_t flag_len, const char *value, bool *on, char *err, size_t errlen)
{
	if (client_opt_parse_bool(value, on) == 0)
		return 0;
	snprintf(err, errlen, "invalid argument \"%s\" for \"%.*s\" flag: expected true or false", value,
		 (int)flag_len, flag);
	return -1;
}

/* One "--name[=value]" at argv[*i]. */
static int
check_long(int *argc, char **argv, int *i, const struct option *opts, char *err, size_t errlen)
{
	char *a = argv[*i], *name = a + 2;
	size_t len = strcspn(name, "=");
	const struct option *o = find_long(opts, name, len), *near;
	bool on;

	if (!o) {
		near = find_prefix(opts, name, len);
		if (near)
			snprintf(err, errlen, "unknown flag: --%.*s (did you mean --%s?)", (int)len, name, near->name);
		else
			snprintf(err, errlen, "unknown flag: --%.*s", (int)len, name);
		return -1;
	}
	if (name[len] == '=' && o->has_arg == no_argument) {
		if (bool_value(a, len + 2, name + len + 1, &on, err, errlen) < 0)
			return -1;
		if (on) {
			name[len] = '\0';
		} else {
			drop(argc, argv, *i);
			(*i)--;
		}
	} else if (name[len] != '=' && o->has_arg == required_argument) {
		if (*i + 1 >= *argc) {
			snprintf(err, errlen, "flag needs an argument: --%s", o->name);
			return -1;
		}
		(*i)++;
	}
	return 0;
}

/* One cluster of short options "-abc" at argv[*i]. */
static int
check_short(int *argc, char **argv, int *i, const char *shortopts, char *err, size_t errlen)
{
	char *a = argv[*i];
	bool on;

	for (size_t j = 1; a[j]; j++) {
		const char *s = a[j] == ':' || a[j] == '=' ? NULL : strchr(shortopts, a[j]);

		if (!s) {
			snprintf(err, errlen, "unknown shorthand flag: '%c' in %s", a[j], a);
			return -1;
		}
		if (s[1] == ':') {
			if (s[2] != ':' && !a[j + 1] && *i + 1 >= *argc) {
				snprintf(err, errlen, "flag needs an argument: '%c' in %s", a[j], a);
				return -1;
			}
			if (s[2] != ':' && !a[j + 1])
				(*i)++;
			if (a[j + 1] == '=') /* Docker's -p=80:80 is -p 80:80, where getopt would read "=80:80" */
				memmove(&a[j + 1], &a[j + 2], strlen(&a[j + 2]) + 1);
			return 0; /* the rest of the word, or the next word, is its value */
		}
		if (a[j + 1] == '=') {
			char flag[3] = { '-', a[j], '\0' };

			if (bool_value(flag, 2, a + j + 2, &on, err, errlen) < 0)
				return -1;
			if (on) {
				a[j + 1] = '\0';
			} else if (j > 1) {
				a[j] = '\0';
			} else {
				drop(argc, argv, *i);
				(*i)--;
			}
			return 0;
		}
	}
	return 0;
}

int
client_opt_check(int *argc, char **argv, int start, const char *shortopts, const struct option *opts, char *err,
		 size_t errlen)
{
	bool in_order = shortopts[0] == '+' || getenv("POSIXLY_CORRECT");

	while (*shortopts == '+' || *shortopts == '-' || *shortopts == ':')
		shortopts++;
	for (int i = start; i < *argc; i++) {
		char *a = argv[i];
		int r;

		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1]) {
			if (in_order)
				break;
			continue;
		}
		r = a[1] == '-' ? check_long(argc, argv, &i, opts, err, errlen)
				: check_short(argc, argv, &i, shortopts, err, errlen);
		if (r < 0)
			return -1;
	}
	return 0;
}

int
client_opt_get(int *argc, char **argv, const char *shortopts, const struct option *opts, int *longindex)
{
	static char **checked;
	char err[256];

	/* once per argv: each subcommand gets its own (shifted) argv or resets optind */
	if (optind == 0 || argv != checked) {
		checked = argv;
		if (client_opt_check(argc, argv, optind ? optind : 1, shortopts, opts, err, sizeof(err)) < 0) {
			fprintf(stderr, "lite: %s\nSee 'lite %s%s--help'.\n", err,
				strchr(argv[0], '/') ? "" : argv[0], strchr(argv[0], '/') ? "" : " ");
			exit(EXIT_FLAG);
		}
	}
	return getopt_long(*argc, argv, shortopts, opts, longindex);
}
