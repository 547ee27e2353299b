/* Dockerfile word expansion (see df-expand.h): one pass over the text with
 * a small state (inside '...', inside "..."), appending to the current
 * word. Unset variables expand to nothing, as in Docker. */
#include "df-expand.h"

#include "strv.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
	const char *p;
	char escape;
	df_lookup_fn lookup;
	void *userdata;
	bool keep_blanks;
	bool quoted;      /* inside "...": a ${VAR:-word} word keeps its blanks */
	char *word;       /* the word being built */
	size_t len, cap;
	bool in_word;     /* a word has started (even an empty "" one) */
	char **words;
	size_t n;
	struct lite_err *err;
};

static int
put(struct lexer *lx, const char *s, size_t n)
{
	if (lx->len + n + 1 > lx->cap) {
		size_t cap = (lx->len + n + 1) * 2;
		char *nw = realloc(lx->word, cap);

		if (!nw)
			return lite_err_set(lx->err, ENOMEM, "out of memory");
		lx->word = nw;
		lx->cap = cap;
	}
	memcpy(lx->word + lx->len, s, n);
	lx->len += n;
	lx->word[lx->len] = '\0';
	lx->in_word = true;
	return 0;
}

static int
end_word(struct lexer *lx)
{
	char **nv;

	if (!lx->in_word)
		return 0;
	nv = realloc(lx->words, (lx->n + 2) * sizeof(char *));
	if (!nv)
		return lite_err_set(lx->err, ENOMEM, "out of memory");
	lx->words = nv;
	nv[lx->n++] = strndup(lx->word ? lx->word : "", lx->len);
	nv[lx->n] = NULL;
	lx->len = 0;
	lx->in_word = false;
	return 0;
}

static int expand_text(struct lexer *lx, const char *text, size_t n);

/* ${NAME...}: the modifier's word is itself expanded. */
static int
braced(struct lexer *lx)
{
	const char *start = lx->p, *close;
	size_t name_len = 0;
	char name[256];
	const char *val;
	int depth = 1;

	while (isalnum((unsigned char)start[name_len]) || start[name_len] == '_')
		name_len++;
	for (close = start; *close && depth; close++)
		depth += *close == '{' ? 1 : *close == '}' ? -1 : 0;
	if (depth || !name_len || name_len >= sizeof(name))
		return lite_err_set(lx->err, EINVAL, "bad substitution: ${%.*s", (int)strcspn(start, "}"), start);
	close--;   /* at the matching } */
	memcpy(name, start, name_len);
	name[name_len] = '\0';
	val = lx->lookup(name, lx->userdata);
	lx->p = close + 1;
	if (start + name_len == close)
		return val ? put(lx, val, strlen(val)) : 0;
	if (start[name_len] == ':' && (start[name_len + 1] == '-' || start[name_len + 1] == '+')) {
		const char *word = start + name_len + 2;
		bool set = val && *val;

		if (start[name_len + 1] == '-')
			return set ? put(lx, val, strlen(val)) : expand_text(lx, word, (size_t)(close - word));
		return set ? expand_text(lx, word, (size_t)(close - word)) : 0;
	}
	return lite_err_set(lx->err, EINVAL, "unsupported modifier in ${%.*s}", (int)(close - start), start);
}

static int
variable(struct lexer *lx)
{
	size_t n = 0;
	char name[256];
	const char *val;

	lx->p++;   /* the $ */
	if (*lx->p == '{') {
		lx->p++;
		return braced(lx);
	}
	if (isalpha((unsigned char)lx->p[0]) || lx->p[0] == '_')
		while (isalnum((unsigned char)lx->p[n]) || lx->p[n] == '_')
			n++;
	if (!n || n >= sizeof(name))
		return put(lx, "$", 1);
	memcpy(name, lx->p, n);
	name[n] = '\0';
	lx->p += n;
	val = lx->lookup(name, lx->userdata);
	return val ? put(lx, val, strlen(val)) : 0;
}

/* One step inside "...": escapes of " $ and the escape, variables,
 * everything else as it is (blanks and ' too). */
static int
quoted_step(struct lexer *lx)
{
	if (*lx->p == lx->escape && (lx->p[1] == '"' || lx->p[1] == '$' || lx->p[1] == lx->escape)) {
		lx->p += 2;
		return put(lx, lx->p - 1, 1);
	}
	if (*lx->p == '$')
		return variable(lx);
	return put(lx, lx->p++, 1);
}

static int
double_quoted(struct lexer *lx)
{
	bool was = lx->quoted;
	int r = 0;

	lx->in_word = true;
	lx->quoted = true;
	for (lx->p++; *lx->p && *lx->p != '"' && r == 0;)
		r = quoted_step(lx);
	lx->quoted = was;
	if (r < 0)
		return r;
	if (*lx->p != '"')
		return lite_err_set(lx->err, EINVAL, "unmatched \" in the arguments");
	lx->p++;
	return 0;
}

static int
single_quoted(struct lexer *lx)
{
	const char *end = strchr(lx->p + 1, '\'');

	if (!end)
		return lite_err_set(lx->err, EINVAL, "unmatched ' in the arguments");
	lx->in_word = true;
	if (put(lx, lx->p + 1, (size_t)(end - lx->p - 1)) < 0)
		return -ENOMEM;
	lx->p = end + 1;
	return 0;
}

static int
step(struct lexer *lx)
{
	char c = *lx->p;

	if (isspace((unsigned char)c) && !lx->keep_blanks) {
		lx->p++;
		return end_word(lx);
	}
	if (c == lx->escape && lx->p[1]) {
		lx->p += 2;
		return put(lx, lx->p - 1, 1);
	}
	if (c == '\'')
		return single_quoted(lx);
	if (c == '"')
		return double_quoted(lx);
	if (c == '$')
		return variable(lx);
	return put(lx, lx->p++, 1);
}

/* Expand a nested text (a ${VAR:-word} word) into the current word. */
static int
expand_text(struct lexer *lx, const char *text, size_t n)
{
	char *copy = strndup(text, n);
	const char *saved = lx->p;
	int r = 0;

	if (!copy)
		return lite_err_set(lx->err, ENOMEM, "out of memory");
	lx->in_word = true;
	for (lx->p = copy; *lx->p && r == 0;)
		r = lx->quoted ? quoted_step(lx) : step(lx);
	lx->p = saved;
	free(copy);
	return r;
}

static int
run(struct lexer *lx, const char *in)
{
	int r = 0;

	lx->p = in;
	while (isspace((unsigned char)*lx->p))
		lx->p++;
	while (*lx->p && r == 0)
		r = step(lx);
	if (r == 0)
		r = end_word(lx);
	free(lx->word);
	if (r == 0 && !lx->words)
		lx->words = strv_new(NULL, NULL);
	if (r < 0)
		strv_free(lx->words);
	return r;
}

int
df_expand_words(const char *in, char escape, df_lookup_fn lookup, void *userdata, char ***ret, struct lite_err *err)
{
	struct lexer lx = { .escape = escape, .lookup = lookup, .userdata = userdata, .err = err };
	int r = run(&lx, in);

	*ret = r < 0 ? NULL : lx.words;
	return r;
}

int
df_expand_string(const char *in, char escape, df_lookup_fn lookup, void *userdata, char **ret, struct lite_err *err)
{
	struct lexer lx = { .escape = escape, .lookup = lookup, .userdata = userdata, .keep_blanks = true, .err = err };
	int r = run(&lx, in);
	size_t n;

	if (r < 0)
		return r;
	*ret = strdup(lx.words[0] ? lx.words[0] : "");
	strv_free(lx.words);
	n = strlen(*ret);
	while (n && isspace((unsigned char)(*ret)[n - 1]))
		(*ret)[--n] = '\0';
	return 0;
}
