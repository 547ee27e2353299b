/* client-opt.c: getopt_long with exact long names and --flag=BOOL. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* Docker's boolean words (strconv.ParseBool): 1 t T true TRUE True and
 * 0 f F false FALSE False. 0, or -1 for anything else. */
int client_opt_parse_bool(const char *s, bool *ret);
/* Check argv[start..*argc) against the options: every long option by its
 * exact name, every value a flag needs present. A flag that takes no value
 * given one (--rm=true, -d=0) is rewritten to the bare flag when true and
 * removed from argv (*argc shrinks) when false. 0, or -1 with a one-line
 * message in err. */
int client_opt_check(int *argc, char **argv, int start, const char *shortopts, const struct option *opts,
		     char *err, size_t errlen);
/* getopt_long after client_opt_check (once per argv); a check failure
 * prints the message and exits 125, as Docker does for flag errors. */
int client_opt_get(int *argc, char **argv, const char *shortopts, const struct option *opts, int *longindex);
