/* Pure string helpers shared by daemon and client: sizes, CPU counts,
 * names and ids. No system calls, so all of it is unit-tested. */
#pragma once

#include <stdbool.h>
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
const char *signal_name(int sig);

/* Docker's container-name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128. */
bool name_is_valid(const char *s);
/* Image reference "name[:tag]" with a lowercase repository path. */
bool image_ref_is_valid(const char *s);
/* 64 lowercase hex digits. */
bool id_is_full_hex(const char *s);
/* "K=V" with a non-empty key without '='. */
bool env_is_valid(const char *s);

/* Docker's --detach-keys: "ctrl-p,ctrl-q", "ctrl-a,x"; "" disables (n = 0). */
int parse_detach_keys(const char *spec, unsigned char *keys, size_t max, size_t *ret_n);

bool str_has_prefix(const char *s, const char *prefix);
/* Format bytes as "12.3MB" style (decimal, like docker images). */
void format_size(uint64_t bytes, char *buf, size_t len);
/* "3 seconds ago", "2 hours ago" for a delta in seconds. */
void format_ago(int64_t seconds, char *buf, size_t len);
