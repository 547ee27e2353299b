/* --health-cmd, --health-interval, --health-timeout, --health-start-period,
 * --health-retries and --no-healthcheck of a run request. */
#include "health-opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "proto.h"

#define NS_PER_MS 1000000LL

/* A duration param into *ret (-1 when absent); an error names the flag. */
static int
decode_duration(json_t *params, const char *param, const char *flag, bool positive, int64_t *ret,
		struct lite_err *err)
{
	const char *s = proto_get_str(params, param, NULL);

	*ret = -1;
	if (!s)
		return 0;
	if (duration_parse(s, ret) < 0 || (positive && *ret < NS_PER_MS))
		return lite_err_set(err, EINVAL, "invalid --%s \"%s\": expected a duration like 30s, 500ms or 1m30s%s",
				    flag, s, positive ? " (at least 1ms)" : "");
	return 0;
}

int
health_opts_decode(json_t *params, struct health_opts *h, struct lite_err *err)
{
	const char *cmd = proto_get_str(params, "health_cmd", NULL);
	long long retries = proto_get_int(params, "health_retries", 0);

	memset(h, 0, sizeof(*h));
	if (cmd && (!*cmd || strlen(cmd) > 4096))
		return lite_err_set(err, EINVAL, "invalid --health-cmd: must not be empty");
	if (json_object_get(params, "health_retries") && (retries < 1 || retries > 1000000))
		return lite_err_set(err, EINVAL, "invalid --health-retries %lld: expected a positive integer", retries);
	if (decode_duration(params, "health_interval", "health-interval", true, &h->interval_ns, err) < 0 ||
	    decode_duration(params, "health_timeout", "health-timeout", true, &h->timeout_ns, err) < 0 ||
	    decode_duration(params, "health_start_period", "health-start-period", false, &h->start_period_ns, err) < 0)
		return -EINVAL;
	h->retries = (int)retries;
	h->disable = proto_get_bool(params, "no_healthcheck", false);
	if (cmd && !(h->cmd = strdup(cmd)))
		return lite_err_set(err, ENOMEM, "out of memory");
	return 0;
}

void
health_opts_free(struct health_opts *h)
{
	free(h->cmd);
	h->cmd = NULL;
}
