/* lite login / lite logout, and the credentials pull and push send.
 *
 * Credentials are the calling user's, kept by the client only: in
 * $LITE_CONFIG/config.json, else ~/.config/lite/config.json (directory 0700,
 * file 0600, written atomically), in ~/.docker/config.json's format
 * ({"auths": {"HOST": {"auth": base64(USER:PASSWORD)}}}, auth-config.c).
 * For a registry lite's file has no entry for, $DOCKER_CONFIG/config.json
 * or ~/.docker/config.json is read (never written). The daemon gets them
 * with each pull/push/login request and never stores them. */
#include "client.h"
#include "auth-config.h"

#include "image-ref.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const char login_usage[] =
	"Usage: lite login [OPTIONS] [SERVER]\n\n"
	"Log in to a registry (Docker Hub when SERVER is omitted): the credentials are\n"
	"checked against the registry and stored for your user only, in\n"
	"$LITE_CONFIG/config.json or ~/.config/lite/config.json (mode 0600).\n\nOptions:\n"
	"  -u, --username USER      user name\n"
	"  -p, --password PASS      password (visible to other users in ps: prefer --password-stdin)\n"
	"      --password-stdin     read the password from stdin\n"
	"      --insecure           plain HTTP (as pull --insecure)\n";

static const char logout_usage[] =
	"Usage: lite logout [SERVER]\n\nForget the credentials stored for a registry (Docker Hub by default).\n";

/* $LITE_CONFIG (a directory) or ~/.config/lite; "" if neither is known. */
static void
config_dir(char *buf, size_t len)
{
	const char *d = getenv("LITE_CONFIG"), *home = getenv("HOME");

	if (d && *d)
		snprintf(buf, len, "%s", d);
	else if (home && *home)
		snprintf(buf, len, "%s/.config/lite", home);
	else
		buf[0] = '\0';
}

static json_t *
read_config(const char *path)
{
	json_t *cfg = json_load_file(path, 0, NULL);

	return json_is_object(cfg) ? cfg : (json_decref(cfg), NULL);
}

static int
write_config(json_t *cfg)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], tmp[PATH_MAX + 32], *p;
	int fd, r = 0;

	config_dir(dir, sizeof(dir));
	if (!*dir) {
		client_errorf("cannot store credentials: neither LITE_CONFIG nor HOME is set");
		return -1;
	}
	for (p = dir + 1; (p = strchr(p, '/')); p++) { /* mkdir -p, each new level 0700 */
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		client_errorf("cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/config.json", dir);
	snprintf(tmp, sizeof(tmp), "%s/.config.json.XXXXXX", dir);
	fd = mkostemp(tmp, O_CLOEXEC); /* 0600 */
	if (fd < 0 || fchmod(fd, 0600) < 0 || json_dumpfd(cfg, fd, JSON_INDENT(1)) < 0 || write(fd, "\n", 1) != 1 ||
	    fsync(fd) < 0)
		r = -1;
	if (fd >= 0 && close(fd) < 0)
		r = -1;
	if (r == 0 && rename(tmp, path) < 0)
		r = -1;
	if (r < 0) {
		client_errorf("cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			(void)unlink(tmp);
	}
	return r;
}

static json_t *
lite_config(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];

	config_dir(dir, sizeof(dir));
	if (!*dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	return read_config(path);
}

char *
cmd_login_credentials(const char *registry)
{
	const char *dd = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	char path[PATH_MAX];
	json_t *cfg = lite_config();
	char *found = auth_config_find(cfg, registry);

	json_decref(cfg);
	if (found)
		return found;
	if (dd && *dd)
		snprintf(path, sizeof(path), "%s/config.json", dd);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.docker/config.json", home);
	else
		return NULL;
	cfg = read_config(path);
	found = auth_config_find(cfg, registry);
	json_decref(cfg);
	return found;
}

char *
cmd_login_credentials_for_ref(const char *ref)
{
	struct image_ref r;

	if (image_ref_parse(ref, &r, NULL) < 0)
		return NULL;
	return cmd_login_credentials(r.domain);
}

/* A line from stdin, without its newline; -1 if none. */
static int
read_line(char *buf, size_t len, bool hide)
{
	struct termios old, t;
	bool tty = hide && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	size_t n;

	if (tty) {
		t = old;
		t.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	if (!fgets(buf, (int)len, stdin))
		buf[0] = '\0';
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n ? 0 : -1;
}

/* SERVER as docker takes it: "https://host/v1/" or "host:port" -> "host:port". */
static void
server_host(const char *arg, char *buf, size_t len)
{
	const char *s = arg, *end;

	if (!strncmp(s, "https://", 8))
		s += 8;
	else if (!strncmp(s, "http://", 7))
		s += 7;
	end = strchr(s, '/');
	snprintf(buf, len, "%.*s", end ? (int)(end - s) : (int)strlen(s), s);
	if (!strcmp(buf, "index.docker.io") || !strcmp(buf, "registry-1.docker.io"))
		snprintf(buf, len, "%s", IMAGE_REF_DOCKER_HUB);
}

static int
login_check(const char *host, const char *pair, bool insecure)
{
	json_t *params = json_pack("{s:s,s:s,s:b}", "registry", host, "user", pair, "insecure", insecure), *res = NULL;
	int r = client_call_once("login", params, &res);

	json_decref(res);
	return r;
}

int
cmd_login(int argc, char **argv)
{
	enum { OPT_STDIN = 256, OPT_INSECURE };
	static const struct option opts[] = { { "username", required_argument, NULL, 'u' },
					      { "password", required_argument, NULL, 'p' },
					      { "password-stdin", no_argument, NULL, OPT_STDIN },
					      { "insecure", no_argument, NULL, OPT_INSECURE },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	char user[256] = "", pass[1024] = "", host[300], *pair = NULL;
	bool from_stdin = false, insecure = false;
	json_t *cfg;
	int ch, r;

	while ((ch = client_opt_get(&argc, argv, "u:p:h", opts, NULL)) != -1) {
		if (ch == 'h')
			client_usage_exit(login_usage, 0);
		else if (ch == 'u')
			snprintf(user, sizeof(user), "%s", optarg);
		else if (ch == 'p')
			snprintf(pass, sizeof(pass), "%s", optarg);
		else if (ch == OPT_STDIN)
			from_stdin = true;
		else if (ch == OPT_INSECURE)
			insecure = true;
		else
			client_usage_exit(login_usage, 1);
	}
	if (argc - optind > 1)
		client_usage_exit(login_usage, 1);
	server_host(optind < argc ? argv[optind] : IMAGE_REF_DOCKER_HUB, host, sizeof(host));
	if (from_stdin && *pass) {
		client_errorf("--password and --password-stdin are mutually exclusive");
		return 1;
	}
	if (from_stdin && !*user) {
		client_errorf("--password-stdin needs --username");
		return 1;
	}
	if (!*user) {
		fputs("Username: ", stderr);
		if (read_line(user, sizeof(user), false) < 0) {
			client_errorf("login: a username is required");
			return 1;
		}
	}
	if (strchr(user, ':')) {
		client_errorf("login: invalid username '%s' (':' is not allowed)", user);
		return 1;
	}
	if (!*pass) {
		if (!from_stdin)
			fputs("Password: ", stderr);
		if (read_line(pass, sizeof(pass), !from_stdin) < 0) {
			client_errorf("login: a password is required");
			return 1;
		}
	}
	if (asprintf(&pair, "%s:%s", user, pass) < 0)
		return 1;
	r = login_check(host, pair, insecure);
	memset(pair, 0, strlen(pair));
	free(pair);
	if (r < 0) {
		memset(pass, 0, sizeof(pass));
		return 1;
	}
	cfg = lite_config() ?: json_object();
	r = auth_config_set(cfg, host, user, pass) < 0 ? -1 : write_config(cfg);
	memset(pass, 0, sizeof(pass));
	json_decref(cfg);
	if (r < 0)
		return 1;
	printf("Login Succeeded\n");
	return 0;
}

int
cmd_logout(int argc, char **argv)
{
	char host[300];
	json_t *cfg;
	int r;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		client_usage_exit(logout_usage, 0);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		client_usage_exit(logout_usage, 1);
	server_host(argc == 2 ? argv[1] : IMAGE_REF_DOCKER_HUB, host, sizeof(host));
	cfg = lite_config();
	r = cfg ? auth_config_remove(cfg, host) : 0;
	if (r == 1 && write_config(cfg) < 0) {
		json_decref(cfg);
		return 1;
	}
	json_decref(cfg);
	if (r == 1)
		printf("Removing login credentials for %s\n", host);
	else
		printf("Not logged in to %s\n", host);
	return 0;
}
