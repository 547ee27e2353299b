/* Notes to the daemon (issue 13): an exec whose stream the daemon does not
 * carry (lite exec takes the shim's socket; exec -d has no stream) ends
 * here only, and so does an attach session on a passed socket. The shim
 * leaves one small JSON file per such end in EXEC_ROOT/ID/notes/ (temp +
 * rename, so the daemon never reads half of one); the daemon watches the
 * directory with inotify, emits exec_die or detach and removes the file
 * (daemon/engine/ctr-notes.c). A file, not a message: it waits there while
 * the daemon is down or restarting, and the daemon reads it when it comes
 * back. */
#include "shim-notes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fs-util.h"
#include "shim.h"

/* NOTES/NAME.json from the attach socket's path; -1 if too long. */
static int
note_path(const struct shim_config *cfg, const char *name, char *buf, size_t len, size_t *dir_len)
{
	const char *slash = cfg->attach_path ? strrchr(cfg->attach_path, '/') : NULL;
	int n;

	if (!slash)
		return -1;
	n = snprintf(buf, len, "%.*s/notes", (int)(slash - cfg->attach_path), cfg->attach_path);
	if (n < 0 || (size_t)n >= len)
		return -1;
	*dir_len = (size_t)n;
	n = snprintf(buf + n, len - (size_t)n, "/%s.json", name);
	return n < 0 || *dir_len + (size_t)n >= len ? -1 : 0;
}

void
shim_notes_write(const struct shim_config *cfg, const char *name, json_t *o)
{
	char path[4096], *dump = o ? json_dumps(o, JSON_COMPACT) : NULL;
	size_t dir_len = 0;

	json_decref(o);
	if (!dump || note_path(cfg, name, path, sizeof(path), &dir_len) < 0) {
		free(dump);
		return;
	}
	path[dir_len] = '\0';
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		free(dump);
		return;
	}
	path[dir_len] = '/';
	/* no fsync: the exec root is volatile, and a note is an event, not state */
	(void)fs_write_file_replace(path, dump, strlen(dump), 0600);
	free(dump);
}

void
shim_notes_exec_exit(const struct shim_config *cfg, const char *exec_id, int exit_code, const char *error)
{
	char name[96];
	json_t *o = json_pack("{s:s, s:s, s:i, s:I}", "kind", "exec_die", "exec_id", exec_id, "exit_code", exit_code,
			      "time", (json_int_t)time(NULL));

	if (o && error && *error)
		json_object_set_new(o, "error", json_string(error));
	snprintf(name, sizeof(name), "exec-%.72s", exec_id);
	shim_notes_write(cfg, name, o);
}

void
shim_notes_detach(const struct shim_config *cfg)
{
	static unsigned counter;
	struct timespec ts;
	char name[96];

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof(name), "detach-%lld%09ld-%u", (long long)ts.tv_sec, ts.tv_nsec, counter++);
	shim_notes_write(cfg, name, json_pack("{s:s, s:I}", "kind", "detach", "time", (json_int_t)ts.tv_sec));
}
