/* Docker's command groups: "lite container ls" is "lite ps", "lite image
 * pull" is "lite pull", and so on. Each group verb is one line of verbs[]:
 * the top-level verb it stands for (main.c dispatches it, so a verb merged
 * later works at once), or its own handler (the prune commands). A group
 * verb not listed here goes to the group's own command (cmd_image,
 * cmd_network, cmd_volume, cmd_system), which knows the rest. */
#include "client.h"

#include <stdio.h>
#include <string.h>

struct group_verb {
	const char *group, *verb;
	const char *target;              /* the top-level verb, or NULL: fn */
	int (*fn)(int argc, char **argv);
};

static const struct group_verb verbs[] = {
	{ "container", "ls", "ps", NULL }, { "container", "list", "ps", NULL }, { "container", "ps", "ps", NULL },
	{ "container", "run", "run", NULL }, { "container", "create", "create", NULL },
	{ "container", "start", "start", NULL }, { "container", "stop", "stop", NULL },
	{ "container", "restart", "restart", NULL }, { "container", "kill", "kill", NULL },
	{ "container", "rm", "rm", NULL }, { "container", "remove", "rm", NULL },
	{ "container", "inspect", "inspect", NULL }, { "container", "logs", "logs", NULL },
	{ "container", "exec", "exec", NULL }, { "container", "cp", "cp", NULL },
	{ "container", "diff", "diff", NULL }, { "container", "commit", "commit", NULL },
	{ "container", "export", "export", NULL }, { "container", "pause", "pause", NULL },
	{ "container", "unpause", "unpause", NULL }, { "container", "port", "port", NULL },
	{ "container", "rename", "rename", NULL }, { "container", "top", "top", NULL },
	{ "container", "stats", "stats", NULL }, { "container", "update", "update", NULL },
	{ "container", "wait", "wait", NULL }, { "container", "attach", "attach", NULL },
	{ "container", "prune", NULL, cmd_prune_container },
	{ "image", "pull", "pull", NULL }, { "image", "push", "push", NULL },
	{ "image", "prune", NULL, cmd_prune_image },
	{ "network", "prune", NULL, cmd_prune_network },
	{ "system", "prune", NULL, cmd_prune_system }, { "system", "events", "events", NULL },
	{ "system", "info", "info", NULL },
};

static const char container_usage[] =
	"Usage: lite container COMMAND\n\nManage containers: the same commands as the top-level verbs.\n\nCommands:\n"
	"  attach commit cp create diff exec export inspect kill logs ls (list, ps) pause port\n"
	"  prune rename restart rm run start stats stop top unpause update wait\n";

int
cmd_group_resolve(int *argc, char ***argv)
{
	char **v = *argv;

	if (*argc < 2)
		return -1;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(v[0], verbs[i].group) || strcmp(v[1], verbs[i].verb))
			continue;
		optind = 0;
		if (verbs[i].fn)
			return verbs[i].fn(*argc - 1, v + 1);
		(*argv)++;
		(*argc)--;
		(*argv)[0] = (char *)verbs[i].target;
		return -1;
	}
	return -1;
}

int
cmd_container(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		client_usage_exit(container_usage, 0);
	if (argc < 2)
		client_errorf("\"lite container\" requires a command");
	else
		client_errorf("unknown command \"container %s\"; see 'lite container --help'", argv[1]);
	fputs(container_usage, stderr);
	return EXIT_ENGINE;
}
