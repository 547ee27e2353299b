/* Parsing of the values users type, shared by daemon and client: sizes, CPU
 * counts, integers in a range, signals, detach keys. No system calls, so all
 * of it is unit-tested. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* "512m", "1g", "100000", "64k", "1.5g" -> bytes (binary units). */
int parse_size(const char *s, uint64_t *ret_bytes);
/* "0.5", "2" -> millicpus (500, 2000). Up to 3 decimals, > 0. */
int parse_cpus(const char *s, uint64_t *ret_millicpus);
/* Decimal integer in [min, max]. */
int parse_int_range(const char *s, long long min, long long max, long long *ret);
/* "TERM", "SIGTERM", "15" -> 15. */
int parse_signal(const char *s, int *ret_sig);
const char *parse_signal_name(int sig);
/* Docker's --detach-keys: "ctrl-p,ctrl-q", "ctrl-a,x"; "" disables (n = 0). */
int parse_detach_keys(const char *spec, unsigned char *keys, size_t max, size_t *ret_n);
