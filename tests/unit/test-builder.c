/* Unit tests of the builder's pure parts (builder/): the Dockerfile parser,
 * variable expansion and .dockerignore matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "df-expand.h"
#include "dockerfile.h"
#include "dockerignore.h"
#include "strv.h"

static void
test_parse_basic(void **state)
{
	struct df_file f;
	struct lite_err err = { 0 };
	const char *text = "# syntax=docker/dockerfile:1\n"
			   "# escape=\\\n"
			   "ARG BASE=busybox\n"
			   "from $BASE AS build\n"
			   "\n"
			   "# a comment\n"
			   "RUN echo a && \\\n"
			   "# a comment inside a continuation\n"
			   "    echo b\n"
			   "COPY --from=build --chown=1:2 a b /dst/\n"
			   "CMD [\"sh\", \"-c\", \"echo hi\"]\n"
			   "ENTRYPOINT echo [not json\n";

	(void)state;
	assert_int_equal(dockerfile_parse(text, &f, &err), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(f.syntax, "docker/dockerfile:1");
	assert_string_equal(f.v[0].keyword, "ARG");
	assert_int_equal(f.v[0].line, 3);
	assert_string_equal(f.v[1].keyword, "FROM");
	assert_string_equal(f.v[1].args, "$BASE AS build");
	assert_string_equal(f.v[2].args, "echo a &&      echo b");
	assert_int_equal(f.v[2].line, 7);
	assert_string_equal(f.v[3].keyword, "COPY");
	assert_int_equal(strv_length(f.v[3].flags), 2);
	assert_string_equal(dockerfile_flag(&f.v[3], "from"), "build");
	assert_string_equal(dockerfile_flag(&f.v[3], "chown"), "1:2");
	assert_null(dockerfile_flag(&f.v[3], "chmod"));
	assert_null(dockerfile_unknown_flag(&f.v[3], (const char *const[]){ "from", "chown", "chmod", NULL }));
	assert_string_equal(dockerfile_unknown_flag(&f.v[3], (const char *const[]){ "from", NULL }), "--chown=1:2");
	assert_string_equal(f.v[3].args, "a b /dst/");
	assert_non_null(f.v[4].json);
	assert_int_equal(strv_length(f.v[4].json), 3);
	assert_string_equal(f.v[4].json[2], "echo hi");
	assert_null(f.v[5].json);
	assert_string_equal(f.v[5].text, "ENTRYPOINT echo [not json");
	dockerfile_free(&f);
}

/* review15 #13: a blank line inside a continuation does not end it */
static void
test_parse_empty_continuation(void **state)
{
	struct df_file f;
	struct lite_err err = { 0 };

	(void)state;
	assert_int_equal(dockerfile_parse("FROM x\nRUN a \\\n\n   \n  b\nCMD c\n", &f, &err), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[1].args, "a    b");
	assert_int_equal(f.empty_continuation, 3);
	assert_string_equal(f.v[2].keyword, "CMD");
	dockerfile_free(&f);
	assert_int_equal(dockerfile_parse("FROM x\n\nCMD c\n", &f, &err), 0);
	assert_int_equal(f.empty_continuation, 0);
	dockerfile_free(&f);
}

static void
test_parse_escape_directive(void **state)
{
	struct df_file f;
	struct lite_err err = { 0 };

	(void)state;
	assert_int_equal(dockerfile_parse("# escape=`\nFROM scratch\nRUN dir c:\\ `\n  /w\n", &f, &err), 0);
	assert_int_equal(f.escape, '`');
	assert_string_equal(f.v[1].args, "dir c:\\    /w");
	dockerfile_free(&f);
	/* a directive after an instruction is a comment */
	assert_int_equal(dockerfile_parse("FROM scratch\n# escape=`\nRUN a \\\n b\n", &f, &err), 0);
	assert_int_equal(f.escape, '\\');
	assert_int_equal(f.n, 2);
	dockerfile_free(&f);
}

static void
test_parse_errors(void **state)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "FROM a\nRUNN x\n", "line 2: unknown instruction: RUNN" },
		{ "", "the Dockerfile has no instructions" },
		{ "# only a comment\n", "the Dockerfile has no instructions" },
		{ "RUN x\n", "line 1: the first instruction must be FROM (or ARG), not RUN" },
		{ "FROM a\nRUN <<EOF\nx\nEOF\n", "line 2: RUN: heredocs (<<EOF) are not supported" },
		{ "FROM a\nWORKDIR\n", "line 2: WORKDIR requires at least one argument" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct df_file f;
		struct lite_err err = { 0 };

		assert_true(dockerfile_parse(cases[i].text, &f, &err) < 0);
		assert_string_equal(err.msg, cases[i].msg);
		lite_err_clear(&err);
	}
}

static const char *
lookup(const char *name, void *userdata)
{
	(void)userdata;
	if (!strcmp(name, "A"))
		return "one";
	if (!strcmp(name, "SP"))
		return "x y";
	if (!strcmp(name, "EMPTY"))
		return "";
	return NULL;
}

static void
test_expand(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "$A", "one" }, { "${A}", "one" }, { "x${A}y", "xoney" }, { "$UNSET", "" },
		{ "${UNSET:-def}", "def" }, { "${EMPTY:-def}", "def" }, { "${A:-def}", "one" },
		{ "${A:+alt}", "alt" }, { "${UNSET:+alt}", "" }, { "${UNSET:-$A}", "one" },
		{ "'$A'", "$A" }, { "\"$A\"", "one" }, { "\\$A", "$A" }, { "\"\\$A\"", "$A" },
		{ "a  b", "a  b" }, { "$", "$" }, { "$1x", "$1x" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lite_err err = { 0 };
		char *out = NULL;

		assert_int_equal(df_expand_string(cases[i].in, '\\', lookup, NULL, &out, &err), 0);
		if (strcmp(out, cases[i].out))
			fail_msg("%s -> '%s', want '%s'", cases[i].in, out, cases[i].out);
		free(out);
	}
}

static void
test_expand_words(void **state)
{
	struct lite_err err = { 0 };
	char **w = NULL;

	(void)state;
	assert_int_equal(df_expand_words("K=\"a b\" L=$A 'c d' \"\"", '\\', lookup, NULL, &w, &err), 0);
	assert_int_equal(strv_length(w), 4);
	assert_string_equal(w[0], "K=a b");
	assert_string_equal(w[1], "L=one");
	assert_string_equal(w[2], "c d");
	assert_string_equal(w[3], "");
	strv_free(w);
	/* review15 #10: a default word inside "..." keeps its blanks */
	assert_int_equal(df_expand_words("\"${UNSET:-hello world}\" ${UNSET:-a b}", '\\', lookup, NULL, &w, &err), 0);
	assert_int_equal(strv_length(w), 3);
	assert_string_equal(w[0], "hello world");
	assert_string_equal(w[1], "a");
	assert_string_equal(w[2], "b");
	strv_free(w);
	assert_int_equal(df_expand_words("\"x${A:+it's $SP}\"", '\\', lookup, NULL, &w, &err), 0);
	assert_int_equal(strv_length(w), 1);
	assert_string_equal(w[0], "xit's x y");
	strv_free(w);
	assert_true(df_expand_words("\"open", '\\', lookup, NULL, &w, &err) < 0);
	lite_err_clear(&err);
	assert_true(df_expand_words("${A", '\\', lookup, NULL, &w, &err) < 0);
	lite_err_clear(&err);
}

static void
test_dockerignore(void **state)
{
	struct dockerignore di;
	struct lite_err err = { 0 };

	(void)state;
	assert_int_equal(dockerignore_parse("# comment\n*.log\n/build\n**/tmp\n!keep.log\nsecret/**\n", &di, &err), 0);
	assert_int_equal(di.n, 5);
	assert_true(dockerignore_excluded(&di, "a.log"));
	assert_false(dockerignore_excluded(&di, "keep.log"));
	assert_false(dockerignore_excluded(&di, "sub/a.log"));   /* '*' does not cross '/' */
	assert_true(dockerignore_excluded(&di, "build"));
	assert_true(dockerignore_excluded(&di, "build/x/y.c"));  /* below an excluded directory */
	assert_false(dockerignore_excluded(&di, "src/build"));
	assert_true(dockerignore_excluded(&di, "tmp"));
	assert_true(dockerignore_excluded(&di, "a/b/tmp/c"));
	assert_true(dockerignore_excluded(&di, "secret/key"));
	assert_false(dockerignore_excluded(&di, "main.c"));
	assert_true(dockerignore_has_exceptions(&di));
	dockerignore_free(&di);
}

static void
test_clean_and_glob(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "./a//b/../c/", "a/c" }, { "", "." }, { ".", "." }, { "a/./b", "a/b" }, { "../x", "x" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];

		strcpy(buf, cases[i].in);
		dockerignore_clean(buf);
		assert_string_equal(buf, cases[i].out);
	}
	assert_true(dockerignore_glob("*.txt", "a.txt"));
	assert_false(dockerignore_glob("*.txt", "d/a.txt"));
	assert_true(dockerignore_glob("d/?.txt", "d/a.txt"));
	assert_true(dockerignore_glob("**/*.txt", "d/e/a.txt"));
	assert_true(dockerignore_glob("[ab]*", "bee"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_escape_directive),
		cmocka_unit_test(test_parse_empty_continuation),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_words),
		cmocka_unit_test(test_dockerignore),
		cmocka_unit_test(test_clean_and_glob),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
