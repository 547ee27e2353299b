/* lite-docker-api: which handler answers a request. Paths are matched
 * segment by segment; "{}" takes one segment as the handler's argument
 * (an image name may hold slashes: /images/{name...}/json takes the rest
 * up to the last segment). */
#include "docker-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct route {
	const char *method;
	const char *pattern;
	int (*fn)(struct api *a);
};

static const struct route routes[] = {
	{ "GET", "/_ping", api_ping },
	{ "HEAD", "/_ping", api_ping },
	{ "GET", "/version", api_version },
	{ "GET", "/info", api_info },
	{ "GET", "/containers/json", api_containers_list },
	{ "POST", "/containers/create", api_container_create },
	{ "GET", "/containers/{}/json", api_container_inspect },
	{ "POST", "/containers/{}/start", api_container_start },
	{ "POST", "/containers/{}/stop", api_container_stop },
	{ "POST", "/containers/{}/restart", api_container_restart },
	{ "POST", "/containers/{}/kill", api_container_kill },
	{ "POST", "/containers/{}/wait", api_container_wait },
	{ "POST", "/containers/{}/pause", api_container_pause },
	{ "POST", "/containers/{}/unpause", api_container_unpause },
	{ "POST", "/containers/{}/rename", api_container_rename },
	{ "GET", "/containers/{}/logs", api_container_logs },
	{ "POST", "/containers/{}/attach", api_container_attach },
	{ "DELETE", "/containers/{}", api_container_delete },
	{ "POST", "/containers/{}/resize", api_container_resize },
	{ "GET", "/containers/{}/top", api_container_top },
	{ "GET", "/containers/{}/stats", api_container_stats },
	{ "POST", "/containers/{}/update", api_container_update },
	{ "GET", "/containers/{}/changes", api_container_changes },
	{ "GET", "/containers/{}/export", api_container_export },
	{ "GET", "/containers/{}/archive", api_container_archive_get },
	{ "HEAD", "/containers/{}/archive", api_container_archive_get },
	{ "PUT", "/containers/{}/archive", api_container_archive_put },
	{ "POST", "/containers/prune", api_containers_prune },
	{ "GET", "/images/json", api_images_list },
	{ "POST", "/images/create", api_image_create },
	{ "GET", "/images/{...}/json", api_image_inspect },
	{ "POST", "/images/{...}/tag", api_image_tag },
	{ "DELETE", "/images/{...}", api_image_delete },
	{ "GET", "/images/{...}/history", api_image_history },
	{ "POST", "/images/prune", api_images_prune },
	{ "GET", "/images/get", api_images_get },
	{ "GET", "/images/{...}/get", api_image_get },
	{ "POST", "/images/load", api_images_load },
	{ "POST", "/images/{...}/push", api_image_push },
	{ "POST", "/build", api_build },
	{ "POST", "/build/prune", api_build_prune },
	{ "POST", "/commit", api_image_commit },
	{ "GET", "/images/search", api_images_search },
	{ "GET", "/volumes", api_volumes_list },
	{ "POST", "/volumes/create", api_volume_create },
	{ "POST", "/volumes/prune", api_volumes_prune },
	{ "GET", "/volumes/{}", api_volume_inspect },
	{ "DELETE", "/volumes/{}", api_volume_delete },
	{ "GET", "/networks", api_networks_list },
	{ "POST", "/networks/create", api_network_create },
	{ "POST", "/networks/prune", api_networks_prune },
	{ "GET", "/networks/{}", api_network_inspect },
	{ "POST", "/networks/{}/connect", api_network_connect },
	{ "POST", "/networks/{}/disconnect", api_network_disconnect },
	{ "DELETE", "/networks/{}", api_network_delete },
	/* docker-exec.c */
	{ "POST", "/containers/{}/exec", api_exec_create },
	{ "POST", "/exec/{}/start", api_exec_start },
	{ "POST", "/exec/{}/resize", api_exec_resize },
	{ "GET", "/exec/{}/json", api_exec_inspect },
	/* docker-events.c, docker-df.c */
	{ "GET", "/events", api_events },
	{ "GET", "/system/df", api_system_df },
};

/* Does path match pattern? *arg gets the {} part (a heap copy). */
static bool
match(const char *pattern, const char *path, char **arg)
{
	const char *open = strchr(pattern, '{');
	size_t pre;

	*arg = NULL;
	if (!open)
		return !strcmp(pattern, path);
	pre = (size_t)(open - pattern);
	if (strncmp(pattern, path, pre))
		return false;
	const char *rest = strchr(open, '}') + 1, *start = path + pre, *end;
	bool greedy = !strncmp(open, "{...}", 5);

	if (!*rest)
		end = greedy || !strchr(start, '/') ? start + strlen(start) : NULL;
	else
		end = greedy ? (strlen(start) >= strlen(rest) && !strcmp(start + strlen(start) - strlen(rest), rest)
					? start + strlen(start) - strlen(rest) : NULL)
			     : (strchr(start, '/') && !strcmp(strchr(start, '/'), rest) ? strchr(start, '/') : NULL);
	if (!end || end == start)
		return false;
	*arg = strndup(start, (size_t)(end - start));
	return true;
}

/* A /v1.NN/ prefix outside [1.24, 1.41]: dockerd's 400 and message. */
static bool
version_refused(struct http_conn *c, const struct http_req *r)
{
	unsigned major, minor;

	if (!*r->api_version || sscanf(r->api_version, "%u.%u", &major, &minor) != 2)
		return false;
	if (major > DOCKER_API_MAJOR || (major == DOCKER_API_MAJOR && minor > DOCKER_API_MINOR)) {
		http_send_error(c, 400, "client version %s is too new. Maximum supported API version is %s", r->api_version,
				DOCKER_API_VERSION);
		return true;
	}
	if (major < DOCKER_API_MAJOR || minor < DOCKER_API_MIN_MINOR) {
		http_send_error(c, 400,
				"client version %s is too old. Minimum supported API version is %s, please upgrade your "
				"client to a newer version", r->api_version, DOCKER_API_MIN_VERSION);
		return true;
	}
	return false;
}

int
docker_route(struct http_conn *c, struct http_req *r)
{
	bool path_known = false;

	if (version_refused(c, r))
		return 0;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		char *arg = NULL;
		int rc;

		if (!match(routes[i].pattern, r->path, &arg))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, r->method)) {
			free(arg);
			continue;
		}
		struct api a = { .c = c, .r = r, .arg = arg };

		rc = routes[i].fn(&a);
		free(arg);
		return rc;
	}
	if (path_known)
		http_send_error(c, 405, "method %s not allowed on %s", r->method, r->path);
	else
		http_send_error(c, 404, "page not found");
	return 0;
}
