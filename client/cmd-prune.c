/* The prune commands: container, network, volume, image and system prune,
 * each behind Docker's confirmation prompt (-f skips it; a non-tty stdin
 * is read for the answer too, as Docker does). The engine prunes only what
 * the caller owns (docs/SECURITY.md); the client only asks and prints. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "filter.h"
#include "format.h"

static const struct option prune_opts[] = {
	{ "force", no_argument, NULL, 'f' }, { "all", no_argument, NULL, 'a' },
	{ "filter", required_argument, NULL, 'F' }, { "volumes", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' }, { 0 },
};

struct prune_args {
	bool force, all, volumes;
	struct filter_set fs;
};

/* Parse argv; usage lists what this command takes. 0, or an exit code. */
static int
parse(int argc, char **argv, const char *usage, const char *const *keys, bool has_all, bool has_volumes,
      struct prune_args *a)
{
	char err[512];
	int c;

	while ((c = client_opt_get(&argc, argv, "faF:h", prune_opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->force = true; break;
		case 'a':
			if (!has_all)
				return client_errorf("unknown flag: --all; see 'lite %s --help'", argv[0]), EXIT_ENGINE;
			a->all = true;
			break;
		case 'V':
			if (!has_volumes)
				return client_errorf("unknown flag: --volumes"), EXIT_ENGINE;
			a->volumes = true;
			break;
		case 'F':
			if (filter_add(&a->fs, optarg, keys, err, sizeof(err)) < 0)
				return client_errorf("%s", err), EXIT_ENGINE;
			break;
		case 'h': client_usage_exit(usage, 0);
		default: client_usage_exit(usage, EXIT_ENGINE);
		}
	}
	if (optind < argc) {
		client_errorf("\"prune\" accepts no arguments, got \"%s\"; see --help", argv[optind]);
		return EXIT_ENGINE;
	}
	for (size_t i = 0; i < a->fs.n; i++) {
		int64_t t;

		if (!strcmp(a->fs.f[i].key, "until") && filter_time(a->fs.f[i].value, 0, &t) < 0) {
			client_errorf("invalid --filter until=%s: expected UNIX seconds, a duration like 10m or "
				      "2006-01-02T15:04:05Z", a->fs.f[i].value);
			return EXIT_ENGINE;
		}
	}
	return 0;
}

/* Docker's prompt; true to go on. */
static bool
confirm(const char *warning, bool force)
{
	char answer[64];
	size_t n;

	if (force)
		return true;
	printf("%sAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin)) {
		putchar('\n');
		return false;
	}
	n = strcspn(answer, "\r\n");
	answer[n] = '\0';
	return !strcasecmp(answer, "y") || !strcasecmp(answer, "yes");
}

static void
print_reclaimed(uint64_t bytes)
{
	char size[32];

	format_size(bytes, size, sizeof(size));
	printf("Total reclaimed space: %s\n", size);
}

/* A heading, then the names (once, only when there are some). */
static void
print_list(const char *heading, json_t *names)
{
	json_t *e;
	size_t i;

	if (!json_array_size(names))
		return;
	printf("%s\n", heading);
	json_array_foreach(names, i, e)
		printf("%s\n", json_string_value(e));
	putchar('\n');
}

static const char *const ctr_keys[] = { "label!", "until", NULL };

static bool
ctr_match(const char *key, const char *value, void *ctx)
{
	json_t *c = ctx;
	int64_t until;

	if (!strcmp(key, "label"))
		return filter_label(json_object_get(c, "labels"), value);
	if (!strcmp(key, "until"))
		return filter_time(value, time(NULL), &until) == 0 &&
		       json_integer_value(json_object_get(c, "created")) < until;
	return false;
}

/* Stopped containers of the caller (ps lists only the caller's), removed
 * one by one; the daemon refuses any that started meanwhile. */
static int
prune_containers(const struct prune_args *a, uint64_t *reclaimed)
{
	json_t *list = NULL, *c, *removed = json_array();
	size_t i;
	int rc = 0;

	if (client_call_once("ps", json_pack("{s:b, s:b, s:b}", "all", 1, "size", 1, "details", a->fs.n > 0), &list) < 0)
		return json_decref(removed), 1;
	json_array_foreach(list, i, c) {
		const char *st = json_string_value(json_object_get(c, "state")) ?: "";
		json_t *r = NULL;

		if ((strcmp(st, "exited") && strcmp(st, "created") && strcmp(st, "dead")) || !filter_match(&a->fs, ctr_match, c))
			continue;
		if (client_call_once("rm", json_pack("{s:O}", "id", json_object_get(c, "id")), &r) < 0) {
			rc = 1;
			continue;
		}
		json_decref(r);
		json_array_append(removed, json_object_get(c, "id"));
		*reclaimed += (uint64_t)json_integer_value(json_object_get(c, "size_rw"));
	}
	print_list("Deleted Containers:", removed);
	json_decref(removed);
	json_decref(list);
	return rc;
}

static int
prune_networks(void)
{
	json_t *res = NULL;

	if (client_call_once("network_prune", NULL, &res) < 0)
		return 1;
	print_list("Deleted Networks:", json_object_get(res, "removed"));
	json_decref(res);
	return 0;
}

static int
prune_volumes(const struct prune_args *a, bool all, uint64_t *reclaimed)
{
	json_t *res = NULL, *filters = json_array();

	for (size_t i = 0; i < a->fs.n; i++) {
		char spec[512];

		snprintf(spec, sizeof(spec), "%s%s=%s", a->fs.f[i].key, a->fs.f[i].negate ? "!" : "", a->fs.f[i].value);
		json_array_append_new(filters, json_string(spec));
	}
	if (client_call_once("volume_prune", json_pack("{s:b, s:o}", "all", all, "filters", filters), &res) < 0)
		return 1;
	print_list("Deleted Volumes:", json_object_get(res, "removed"));
	*reclaimed += (uint64_t)json_integer_value(json_object_get(res, "space_reclaimed"));
	json_decref(res);
	return 0;
}

static int
prune_images(bool all, uint64_t *reclaimed)
{
	json_t *res = NULL, *e;
	bool first = true;
	size_t i;

	if (client_call_once("image_prune", json_pack("{s:b}", "all", all), &res) < 0)
		return 1;
	json_array_foreach(json_object_get(res, "deleted"), i, e) {
		const char *k = json_object_iter_key(json_object_iter(e));

		if (first)
			printf("Deleted Images:\n");
		first = false;
		printf("%s: %s\n", k, json_string_value(json_object_iter_value(json_object_iter(e))));
	}
	if (!first)
		putchar('\n');
	*reclaimed += (uint64_t)json_integer_value(json_object_get(res, "space_reclaimed"));
	json_decref(res);
	return 0;
}

int
cmd_prune_container(int argc, char **argv)
{
	static const char usage[] = "Usage: lite container prune [OPTIONS]\n\nRemove all stopped containers.\n\n"
				    "Options:\n  -f, --force          do not prompt for confirmation\n"
				    "      --filter K=V     label=K[=V], label!=K[=V], until=TIME (UNIX seconds, 10m, RFC 3339)\n";
	struct prune_args a = { 0 };
	uint64_t bytes = 0;
	int rc = parse(argc, argv, usage, ctr_keys, false, false, &a);

	if (rc)
		return rc;
	if (!confirm("WARNING! This will remove all stopped containers.\n", a.force))
		return 0;
	rc = prune_containers(&a, &bytes);
	print_reclaimed(bytes);
	return rc;
}

int
cmd_prune_network(int argc, char **argv)
{
	static const char usage[] = "Usage: lite network prune [OPTIONS]\n\nRemove all unused user-defined networks "
				    "(root only).\n\nOptions:\n  -f, --force   do not prompt for confirmation\n";
	static const char *const keys[] = { NULL };
	struct prune_args a = { 0 };
	int rc = parse(argc, argv, usage, keys, false, false, &a);

	if (rc)
		return rc;
	if (!confirm("WARNING! This will remove all custom networks not used by at least one container.\n", a.force))
		return 0;
	return prune_networks();
}

int
cmd_prune_volume(int argc, char **argv)
{
	static const char usage[] = "Usage: lite volume prune [OPTIONS]\n\nRemove unused local volumes: anonymous ones, "
				    "or with -a named ones too.\n\nOptions:\n"
				    "  -a, --all            remove all unused volumes, not only anonymous ones\n"
				    "  -f, --force          do not prompt for confirmation\n"
				    "      --filter K=V     label=K[=V], label!=K[=V]\n";
	static const char *const keys[] = { "label!", NULL };
	struct prune_args a = { 0 };
	uint64_t bytes = 0;
	int rc = parse(argc, argv, usage, keys, true, false, &a);

	if (rc)
		return rc;
	if (!confirm(a.all ? "WARNING! This will remove all local volumes not used by at least one container.\n"
			   : "WARNING! This will remove anonymous local volumes not used by at least one container.\n",
		     a.force))
		return 0;
	rc = prune_volumes(&a, a.all, &bytes);
	print_reclaimed(bytes);
	return rc;
}

int
cmd_prune_image(int argc, char **argv)
{
	static const char usage[] = "Usage: lite image prune [OPTIONS]\n\nRemove unused images and layers.\n\n"
				    "Options:\n  -a, --all     also tagged images no container uses\n"
				    "  -f, --force   do not prompt for confirmation\n";
	static const char *const keys[] = { NULL };
	struct prune_args a = { 0 };
	uint64_t bytes = 0;
	int rc = parse(argc, argv, usage, keys, true, false, &a);

	if (rc)
		return rc;
	if (!confirm(a.all ? "WARNING! This will remove all images without at least one container associated to them.\n"
			   : "WARNING! This will remove all dangling images.\n",
		     a.force))
		return 0;
	rc = prune_images(a.all, &bytes);
	print_reclaimed(bytes);
	return rc;
}

int
cmd_prune_system(int argc, char **argv)
{
	static const char usage[] = "Usage: lite system prune [OPTIONS]\n\nRemove stopped containers, unused networks, "
				    "dangling images (and with --volumes, unused anonymous volumes).\n\nOptions:\n"
				    "  -a, --all        remove all unused images, not just dangling ones\n"
				    "  -f, --force      do not prompt for confirmation\n"
				    "      --volumes    prune anonymous volumes too\n"
				    "      --filter K=V label=K[=V], label!=K[=V], until=TIME (containers)\n";
	char warning[512];
	struct prune_args a = { 0 };
	uint64_t bytes = 0;
	int rc = parse(argc, argv, usage, ctr_keys, true, true, &a);

	if (rc)
		return rc;
	snprintf(warning, sizeof(warning),
		 "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
		 "%s  - %s\n\n",
		 a.volumes ? "  - all anonymous volumes not used by at least one container\n" : "",
		 a.all ? "all images without at least one container associated to them" : "all dangling images");
	if (!confirm(warning, a.force))
		return 0;
	rc |= prune_containers(&a, &bytes);
	rc |= prune_networks();
	if (a.volumes) {
		struct prune_args va = { 0 }; /* the container filters do not apply */
		rc |= prune_volumes(&va, false, &bytes);
	}
	rc |= prune_images(a.all, &bytes);
	print_reclaimed(bytes);
	return rc;
}
