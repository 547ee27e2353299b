/* run's security params (see sec-opts.h). */
#include "sec-opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "proto.h"
#include "strv.h"

static int
decode_caps(json_t *params, const char *field, const char *flag, char ***ret, struct lite_err *err)
{
	json_t *a = json_object_get(params, field), *e;
	size_t i;

	json_array_foreach(a, i, e) {
		const char *n = json_string_value(e);

		if (strcasecmp(n, "ALL") != 0 && caps_from_name(n) < 0)
			return lite_err_set(err, EINVAL, "invalid %s \"%s\": unknown capability", flag, n);
	}
	*ret = json_array_size(a) ? strv_from_json(a) : NULL;
	return json_array_size(a) && !*ret ? lite_err_set(err, ENOMEM, "out of memory") : 0;
}

/* "true"/"false" after no-new-privileges's '=' or ':'; bare = true. */
static int
decode_nnp(const char *opt, const char *val, struct sec_opts *s, struct lite_err *err)
{
	if (!val || strcmp(val, "true") == 0)
		s->no_new_privs = true;
	else if (strcmp(val, "false") == 0)
		s->no_new_privs = false;
	else
		return lite_err_set(err, EINVAL, "invalid --security-opt \"%s\": expected no-new-privileges[=true|false]",
				    opt);
	return 0;
}

/* One --security-opt: Docker's KEY=VALUE or older KEY:VALUE forms. */
static int
decode_one_opt(const char *opt, struct sec_opts *s, struct lite_err *err)
{
	size_t k = strcspn(opt, "=:");
	const char *val = opt[k] ? opt + k + 1 : NULL;

	if (k == strlen("no-new-privileges") && strncmp(opt, "no-new-privileges", k) == 0)
		return decode_nnp(opt, val, s, err);
	if (k == strlen("seccomp") && strncmp(opt, "seccomp", k) == 0) {
		if (val && strcmp(val, "unconfined") == 0) {
			s->seccomp = SEC_SECCOMP_UNCONFINED;
			return 0;
		}
		/* the client reads seccomp=FILE and sends the text as seccomp_profile */
		return lite_err_set(err, EINVAL,
				    "invalid --security-opt \"%s\": a profile travels as seccomp_profile (its text)", opt);
	}
	return lite_err_set(err, EINVAL,
			    "unsupported --security-opt \"%s\": expected no-new-privileges[=BOOL] or seccomp=PROFILE|unconfined",
			    opt);
}

static int
decode_security_opts(json_t *params, struct sec_opts *s, struct lite_err *err)
{
	const char *profile = proto_get_str(params, "seccomp_profile", NULL);
	json_t *e, *doc;
	size_t i;
	int r;

	json_array_foreach(json_object_get(params, "security_opt"), i, e)
		if ((r = decode_one_opt(json_string_value(e), s, err)) < 0)
			return r;
	if (!profile)
		return 0;
	if (s->seccomp == SEC_SECCOMP_UNCONFINED)
		return lite_err_set(err, EINVAL, "--security-opt seccomp=unconfined and a seccomp profile exclude each other");
	doc = strlen(profile) <= SEC_OPTS_PROFILE_MAX ? json_loads(profile, 0, NULL) : NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		return lite_err_set(err, EINVAL, "invalid seccomp profile: not a JSON object (or larger than 1 MiB)");
	}
	json_decref(doc);
	s->seccomp = SEC_SECCOMP_CUSTOM;
	s->seccomp_profile = strdup(profile);
	return s->seccomp_profile ? 0 : lite_err_set(err, ENOMEM, "out of memory");
}

/* --pid / --ipc: the host's namespace, or the container's own (""/"private"). */
static int
decode_ns(json_t *params, const char *field, bool *ret_host, struct lite_err *err)
{
	const char *v = proto_get_str(params, field, NULL);

	if (!v || !*v || strcmp(v, "private") == 0)
		return 0;
	if (strcmp(v, "host") != 0)
		return lite_err_set(err, EINVAL, "invalid --%s \"%s\": only \"host\" is supported", field, v);
	*ret_host = true;
	return 0;
}

int
sec_opts_decode(json_t *params, struct sec_opts *s, struct lite_err *err)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->no_new_privs = true;
	s->privileged = proto_get_bool(params, "privileged", false);
	r = decode_caps(params, "cap_add", "--cap-add", &s->cap_add, err);
	if (r == 0)
		r = decode_caps(params, "cap_drop", "--cap-drop", &s->cap_drop, err);
	if (r == 0)
		r = decode_security_opts(params, s, err);
	if (r == 0)
		r = decode_ns(params, "pid", &s->pid_host, err);
	if (r == 0)
		r = decode_ns(params, "ipc", &s->ipc_host, err);
	if (r < 0)
		sec_opts_free(s);
	return r;
}

int
sec_opts_check_caller(const struct sec_opts *s, uid_t uid, struct lite_err *err)
{
	const char *flag = NULL;

	if (uid == 0)
		return 0;
	if (s->privileged)
		flag = "--privileged";
	else if (s->cap_add)
		flag = "--cap-add";
	else if (s->seccomp == SEC_SECCOMP_UNCONFINED)
		flag = "--security-opt seccomp=unconfined";
	else if (!s->no_new_privs)
		flag = "--security-opt no-new-privileges=false";
	else if (s->pid_host)
		flag = "--pid host";
	else if (s->ipc_host)
		flag = "--ipc host";
	return flag ? lite_err_set(err, EPERM, "%s is for root only", flag) : 0;
}

void
sec_opts_free(struct sec_opts *s)
{
	strv_free(s->cap_add);
	strv_free(s->cap_drop);
	free(s->seccomp_profile);
	memset(s, 0, sizeof(*s));
}
