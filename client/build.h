/* lite build: the builder, on the caller's side of the socket (issue 15).
 *
 * It reads the Dockerfile and the context on the client (the daemon never
 * opens a user's host path) and drives the daemon with ordinary requests:
 * RUN is a container the caller runs (run, wait, rm), so the same
 * namespaces, cgroups, user namespace and security defaults apply as to
 * `lite run`; each step becomes an image with image_derive (the
 * container's changes, a tar of copied files, or only a new config); the
 * cache is the daemon's per-user index (build_cache). Files:
 *   cmd-build.c        flags, the context, the result (tags, --iidfile)
 *   build-stages.c     stages, FROM, which stages the target needs
 *   build-steps.c      instructions that only change the config
 *   build-commit.c     the one path every step takes: cache lookup, derive
 *   build-expand.c     variables in arguments
 *   build.c            output: progress and errors
 *   build-run.c        RUN
 *   build-copy.c       COPY and ADD: sources, the layer's tar
 *   build-context.c    the context directory: .dockerignore, wildcards,
 *                      content digests */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "client.h"
#include "df-expand.h"
#include "dockerfile.h"
#include "dockerignore.h"

enum build_progress { BUILD_PROGRESS_PLAIN, BUILD_PROGRESS_TTY };

struct build_opts {
	char **tags;
	const char *dockerfile;   /* its path inside the context ("Dockerfile") */
	char *dockerfile_text;    /* the Dockerfile itself, when not from the context */
	json_t *build_args;       /* {"NAME": "value"} */
	const char *target;       /* --target, or NULL: the last stage */
	bool no_cache, pull, quiet;
	json_t *labels;           /* {"key": "value"} */
	const char *network;      /* RUN's network, or NULL (the default) */
	const char *iidfile;
	enum build_progress progress;
	bool context_stdin;       /* the context came as a tar on stdin: -f names a file in it */
};

struct build_ctx {
	int dirfd;                /* the context directory, or -1: none */
	struct dockerignore ignore;
};

struct build_stage {
	char *name;               /* AS name (lower case), or NULL */
	size_t first, end;        /* its instructions [first, end); first is FROM */
	char *image;              /* its current image id; "" for scratch */
	json_t *config;           /* that image's "config" */
	json_t *args;             /* ARGs in scope: name -> value (null: none) */
	bool needed, built;
	bool cmd_set;             /* a CMD of this stage (ENTRYPOINT keeps it) */
};

struct build {
	const struct build_opts *o;
	struct df_file df;
	struct build_ctx ctx;
	json_t *global_args;      /* ARGs before the first FROM: name -> default */
	json_t *used_args;        /* --build-arg names some ARG declared */
	struct build_stage *stages;
	size_t n_stages;
	struct build_stage *cur;
	unsigned step, steps;     /* for "Step N/M" */
	const struct df_instr *instr;  /* the instruction being run, for errors */
	const char *trigger;      /* the base image's ONBUILD trigger being run, or NULL */
	unsigned trigger_line;    /* the FROM line that ran it */
};

/* cmd-build.c: lite-build's two commands (build-main.c): "build ..." and
 * "builder prune ..." (argv[0] is the command's name). */
int cmd_build_main(int argc, char **argv);
int cmd_build_prune(int argc, char **argv);

/* build.c: progress output (nothing after build_set_quiet(true));
 * build_say prints only with --progress plain (and NULL b: always). */
void build_set_quiet(bool quiet);
void build_say(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A step starts (b->step is its number); its image is ready (cached). */
void build_say_step(const struct build *b, const char *text);
void build_say_image(const struct build *b, const char *id, bool cached);
/* End a tty step's line early (before a failed RUN's output). */
void build_say_break(void);
/* A build error: "lite: Dockerfile:LINE: INSTR: message" (the line of the
 * instruction being run, if any). Returns -1. */
int build_fail(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* build-stages.c: run every stage the target needs; the final image id. */
int build_stages_run(struct build *b, char **ret_id);
void build_stages_free(struct build *b);


/* build-steps.c: run one instruction of the current stage. */
int build_steps_exec(struct build *b, const struct df_instr *in);

/* build-expand.c: the variable lookup (the stage's ENV, then its ARGs),
 * and an instruction's arguments expanded into words / one string. */
const char *build_expand_lookup(const char *name, void *build);
int build_expand_words(struct build *b, const char *text, char ***ret);
int build_expand_string(struct build *b, const char *text, char **ret);
/* ARG's words (NAME or NAME=DEFAULT) into scope: the --build-arg, else
 * the default, else fallback's value (the global ARG), else null. */
void build_expand_declare(struct build *b, char **words, json_t *scope, json_t *fallback);
/* HTTP_PROXY and the other proxy variables: --build-arg sets them for RUN
 * without an ARG, and, undeclared, they stay out of history and keys. */
bool build_expand_is_proxy(const char *name);

/* build-commit.c */
/* The step's image: from the cache (key, unless --no-cache), else made by
 * image_derive with params (parent and config are added; a layer upload,
 * when given, is written by upload(fd, arg)). Moves the stage on. */
int build_commit_step(struct build *b, const char *created_by, const char *key_extra, json_t *params,
		      int (*upload)(int fd, void *arg), void *arg);
/* Only the cache: 0 and the stage moved on to the cached image, or -1. */
int build_commit_cached(struct build *b, const char *created_by, const char *key_extra);
/* The cache key of a step on the current image (NULL with --no-cache). */
char *build_commit_key(struct build *b, const char *created_by, const char *key_extra);
/* image_inspect of ref: its id and its "config" (new references). */
int build_commit_inspect(const char *ref, char **ret_id, json_t **ret_config);
/* Pull ref (progress as `lite pull` prints it, nothing with -q): FROM and
 * COPY --from of an image missing here. */
int build_commit_pull(struct build *b, const char *ref);

/* build-run.c */
int build_run_exec(struct build *b, const struct df_instr *in);

/* build-copy.c */
int build_copy_exec(struct build *b, const struct df_instr *in, bool add);

/* USER[:GROUP] as ids: numbers, or names from the current image's
 * /etc/passwd and /etc/group (COPY --chown, WORKDIR under USER). */
int build_copy_owner(struct build *b, const char *spec, long *ret_uid, long *ret_gid);

/* build-context.c */
int build_context_open(struct build_ctx *ctx, const char *dir);
void build_context_close(struct build_ctx *ctx);
/* A file of the context (the Dockerfile, .dockerignore), opened beneath
 * it: 0, or -errno (-EXDEV: a symlink that leaves the context). */
int build_context_read(const struct build_ctx *ctx, const char *rel, char **ret);
/* The context paths (relative, cleaned) a COPY source names: the path
 * itself or, with wildcards, every match; excluded ones left out.
 * Errors: outside the context, no match. */
int build_context_match(struct build *b, const char *src, char ***ret);
/* Call fn for rel and everything below it that .dockerignore leaves in,
 * parents first, in name order. */
int build_context_walk(struct build *b, const char *rel, int (*fn)(struct build *, const char *, void *), void *arg);
/* A digest of paths' contents and metadata (not mtimes), recursively. */
int build_context_digest(struct build *b, char **paths, char ret_hex[65]);
/* A source named rel: rel, or when it is a symlink, the context path it
 * leads to (resolved inside the context). Errors: dangling. */
int build_context_resolve(struct build *b, const char *rel, char **ret);
/* Is rel (in the context) a directory? */
bool build_context_is_dir(struct build *b, const char *rel);

/* build-signal.c: on SIGINT, SIGTERM, SIGHUP remove the registered
 * containers and temp directory, then exit 128+signal. */
void build_signal_install(void);
void build_signal_add_container(const char *id);
void build_signal_drop_container(const char *id);
void build_signal_set_dir(const char *path);
