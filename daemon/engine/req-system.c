/* version, ping and info: facts about the engine and the host. */
#include "req.h"

#include <sys/utsname.h>

#include "config.h"
#include "ctr.h"
#include "daemon.h"
#include "image.h"

void
req_version(struct peer *p, json_t *params)
{
	struct utsname u;

	uname(&u);
	peer_reply(p, json_pack("{s:s, s:s, s:s, s:s, s:s}", "version", LITE_VERSION,
				"api_version", LITE_API_VERSION, "os", "linux", "arch", u.machine,
				"kernel", u.release));
}

void
req_ping(struct peer *p, json_t *params)
{
	peer_reply(p, json_object());
}

void
req_info(struct peer *p, json_t *params)
{
	struct daemon *d = p->d;
	struct utsname u;
	json_t *images = NULL, *ctls = json_array(), *info;
	int total = 0, running = 0;
	struct ctr *c;

	TAILQ_FOREACH(c, &d->ctrs, entry) {
		if (!ctr_visible_to(c, p->cred.uid))
			continue;
		total++;
		running += ctr_is_running(c);
	}
	for (int i = 0; i < CGROUP_CTL_MAX; i++)
		if (d->cgroups.has[i])
			json_array_append_new(ctls, json_string(cgroup_values_ctl_name((enum cgroup_ctl)i)));
	(void)image_list(d->cfg.data_root, &images, NULL);
	uname(&u);
	info = json_pack("{s:s, s:i, s:i, s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s}",
				"version", LITE_VERSION, "containers", total, "running", running,
				"images", (json_int_t)(images ? json_array_size(images) : 0),
				"cgroup_mode", d->cgroups.mode == CGROUP_MODE_V2 ? "v2" : "v1",
				"cgroup_parent", d->cfg.cgroup_parent, "cgroup_controllers", ctls,
				"data_root", d->cfg.data_root, "exec_root", d->cfg.exec_root,
				"kernel", u.release, "arch", u.machine, "storage_driver", "overlay");
	/* issue 11 A1: whether non-root users can run containers here */
	if (info)
		json_object_set_new(info, "userns", json_pack("{s:b, s:s, s:b}", "supported", d->userns_ok, "reason",
							      d->userns_ok ? "" : d->userns_reason,
							      "remap_default", d->cfg.userns_remap));
	peer_reply(p, info);
	json_decref(images);
}
