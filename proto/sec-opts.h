/* run's security params, decoded once: --privileged, --cap-add,
 * --cap-drop, --security-opt (no-new-privileges, seccomp), the profile's
 * text that the client read from seccomp=FILE, --pid and --ipc. The
 * syntax is checked here; which caller may ask for what is the pure rule
 * sec_opts_check_caller. Pure code, unit-tested in test-run-spec.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lite-err.h"

enum sec_seccomp { SEC_SECCOMP_DEFAULT, SEC_SECCOMP_UNCONFINED, SEC_SECCOMP_CUSTOM, SEC_SECCOMP_MAX };

struct sec_opts {
	bool privileged;
	char **cap_add;          /* names as given, each known (or "ALL"); NULL: none */
	char **cap_drop;
	bool no_new_privs;       /* true unless no-new-privileges=false */
	enum sec_seccomp seccomp;
	char *seccomp_profile;   /* SEC_SECCOMP_CUSTOM: Docker's JSON, as text */
	bool pid_host, ipc_host;
};

/* Largest profile text accepted (Docker's default is ~20 KB). */
#define SEC_OPTS_PROFILE_MAX (1u << 20)

/* Decode into ret (zeroed first; defaults: no_new_privs, default seccomp).
 * On error ret holds nothing to free. */
int sec_opts_decode(json_t *params, struct sec_opts *ret, struct lite_err *err);
/* The options only root may use; one message per flag: "--privileged is
 * for root only". */
int sec_opts_check_caller(const struct sec_opts *s, uid_t uid, struct lite_err *err);
void sec_opts_free(struct sec_opts *s);
