/* --device: root's way to give a container a host device node. The node
 * is resolved here to its type and MAJ:MIN, which join the container's
 * device filter (limits.devices, cgroup-v1.c / cgroup-v2-devices.c); the
 * shim binds the node itself (rootfs-dev.c). Anyone but root is refused:
 * a device node is as good as the host's hardware. */
#include "run-devices.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "run-spec.h"
#include "shim-config.h"

static json_t *
device_json(const struct device_spec *d)
{
	char acc[4];

	cgroup_values_device_access(d->access, acc);
	return json_pack("{s:s, s:s, s:s}", "host", d->host, "path", d->path, "perm", acc);
}

int
run_devices_apply(const struct run_spec *rs, uid_t uid, struct ctr_spec *s, struct cgroup_limits *l,
		  struct lite_err *err)
{
	json_t *out;

	if (!rs->n_devices)
		return 0;
	if (uid != 0)
		return lite_err_set(err, EPERM, "--device is for root only (%s)", rs->devices[0].host);
	if (rs->n_devices > CGROUP_LIMITS_MAX_DEVICES)
		return lite_err_set(err, EINVAL, "too many --device: at most %d", CGROUP_LIMITS_MAX_DEVICES);
	out = json_array();
	for (size_t i = 0; out && i < rs->n_devices; i++) {
		const struct device_spec *d = &rs->devices[i];
		struct stat st;
		int r = 0;

		if (stat(d->host, &st) < 0)
			r = lite_err_sys(err, errno, "--device %s", d->host);
		else if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			r = lite_err_set(err, EINVAL, "--device %s: not a device node", d->host);
		if (r < 0) {
			json_decref(out);
			return r;
		}
		l->devices[l->n_devices++] = (struct cgroup_device_rule){
			S_ISBLK(st.st_mode) ? 'b' : 'c', (int32_t)major(st.st_rdev), (int32_t)minor(st.st_rdev), d->access,
		};
		json_array_append_new(out, device_json(d));
	}
	if (!out)
		return lite_err_set(err, ENOMEM, "out of memory");
	s->devices = out;
	return 0;
}

int
run_devices_shim_config(const struct ctr_spec *s, struct shim_config *cfg)
{
	size_t i, n = json_array_size(s->devices);
	json_t *e;

	if (!n)
		return 0;
	cfg->devices = calloc(n, sizeof(*cfg->devices));
	if (!cfg->devices)
		return -ENOMEM;
	json_array_foreach(s->devices, i, e) {
		struct shim_device *d = &cfg->devices[cfg->n_devices++];

		d->host = strdup(json_string_value(json_object_get(e, "host")) ?: "");
		d->path = strdup(json_string_value(json_object_get(e, "path")) ?: "");
		d->perm = strdup(json_string_value(json_object_get(e, "perm")) ?: "rwm");
		d->tree_fd = -1;
		if (!d->host || !d->path || !d->perm)
			return -ENOMEM;
	}
	return 0;
}
