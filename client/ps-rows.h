/* lite ps's default table from the daemon's "rows" reply (ps-rows.c). */
#pragma once

#include <stdbool.h>

/* Print the table (or the ids with quiet) of the running containers, or
 * all; last >= 0 keeps the newest last. Returns the exit code. */
int ps_rows_print(bool all, bool quiet, bool no_trunc, long long last);
