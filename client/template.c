/* Go text/template over JSON data: the lexer and parser build a tree once,
 * the executor walks it against a jansson value. Only what Docker users
 * type in --format: no define/template/block, no method calls. Output and
 * error messages follow Go's (fmt %v printing, "template: :1:2: executing
 * ..." errors), so scripts written for docker behave the same. Pure. */
#include "template.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ values */

/* What a JSON object or null stands for in Docker's Go types, by the name
 * of the field that holds it: most objects are structs, these are maps
 * (printed map[k:v], missing keys give "<no value>") and these nulls are
 * nil slices (printed []). */
enum hint { H_NONE, H_MAP, H_SLICE };

static const char *const map_fields[] = {
	"Labels", "Networks", "Ports", "PortBindings", "ExposedPorts", "Volumes", "Data", "Options",
	"Containers", "DriverOpts", "Sysctls", "StorageOpt", "Annotations", "Tmpfs",
};
static const char *const slice_fields[] = {
	"Cmd", "Entrypoint", "Env", "Args", "Binds", "CapAdd", "CapDrop", "Aliases", "Links", "Dns",
	"DnsOptions", "DnsSearch", "ExtraHosts", "Devices", "Mounts", "RepoTags", "RepoDigests", "Layers",
	"Ulimits", "SecurityOpt", "OnBuild", "Shell", "Log", "DNSNames", "Test",
};

static enum hint
hint_for(const char *name)
{
	if (!name)
		return H_NONE;
	for (size_t i = 0; i < sizeof(map_fields) / sizeof(map_fields[0]); i++)
		if (strcmp(name, map_fields[i]) == 0)
			return H_MAP;
	for (size_t i = 0; i < sizeof(slice_fields) / sizeof(slice_fields[0]); i++)
		if (strcmp(name, slice_fields[i]) == 0)
			return H_SLICE;
	return H_NONE;
}

/* Fields Docker leaves out of its JSON when empty (omitempty) but that a
 * template still finds: pointers (nil) and strings (""). */
static const char *const nil_fields[] = { "Health", "Healthcheck", "SizeRw", "SizeRootFs", "StopTimeout", "Init" };
static const char *const empty_fields[] = { "StopSignal", "Domainname", "MacAddress" };

static json_t *
omitted_field(const char *name)
{
	for (size_t i = 0; i < sizeof(nil_fields) / sizeof(nil_fields[0]); i++)
		if (strcmp(name, nil_fields[i]) == 0)
			return json_null();
	for (size_t i = 0; i < sizeof(empty_fields) / sizeof(empty_fields[0]); i++)
		if (strcmp(name, empty_fields[i]) == 0)
			return json_string("");
	return NULL;
}

/* The values of these maps are slices ([]PortBinding). */
static enum hint
elem_hint(const char *map_name)
{
	return map_name && (strcmp(map_name, "Ports") == 0 || strcmp(map_name, "PortBindings") == 0) ? H_SLICE
												   : H_NONE;
}

struct val {
	json_t *j;        /* owned; NULL: no value (a missing map key) */
	const char *name; /* the field it came from, for hints (static or in the tree) */
};

struct buf {
	char *s;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static char *
buf_take(struct buf *b)
{
	if (!b->s)
		buf_add(b, "", 0);
	return b->s;
}

/* float64 as Go's %v: shortest digits, exponent form below 1e-4 or from 1e21. */
static void
fmt_real(struct buf *b, double d)
{
	char e[40], out[64];
	int prec, exp;

	if (isnan(d) || isinf(d)) {
		buf_str(b, isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, d);
		if (strtod(e, NULL) == d)
			break;
	}
	exp = atoi(strchr(e, 'e') + 1);
	if (exp < -4 || exp >= 21) {
		char *ep = strchr(e, 'e');

		snprintf(out, sizeof(out), "%.*se%c%02d", (int)(ep - e), e, exp < 0 ? '-' : '+', abs(exp));
	} else {
		snprintf(out, sizeof(out), "%.*f", prec - exp > 0 ? prec - exp : 0, d);
	}
	buf_str(b, out);
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted (Go prints and ranges maps in key order). */
static const char **
sorted_keys(json_t *o, size_t *ret_n)
{
	const char **keys = calloc(json_object_size(o) + 1, sizeof(*keys)), *k;
	size_t n = 0;
	json_t *v;

	if (!keys)
		abort();
	json_object_foreach(o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_keys);
	*ret_n = n;
	return keys;
}

static void
fmt_value(struct buf *b, json_t *v, enum hint h, const char *name)
{
	char num[32];
	size_t i, n;
	json_t *e;
	const char *k;

	switch (json_typeof(v)) {
	case JSON_STRING: buf_add(b, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		buf_str(b, num);
		break;
	case JSON_REAL: fmt_real(b, json_real_value(v)); break;
	case JSON_TRUE: buf_str(b, "true"); break;
	case JSON_FALSE: buf_str(b, "false"); break;
	case JSON_NULL: buf_str(b, h == H_SLICE ? "[]" : h == H_MAP ? "map[]" : "<nil>"); break;
	case JSON_ARRAY:
		buf_str(b, "[");
		json_array_foreach(v, i, e) {
			if (i)
				buf_str(b, " ");
			fmt_value(b, e, H_NONE, NULL);
		}
		buf_str(b, "]");
		break;
	case JSON_OBJECT:
		if (h == H_MAP) {
			const char **keys = sorted_keys(v, &n);

			buf_str(b, "map[");
			for (i = 0; i < n; i++) {
				buf_str(b, i ? " " : "");
				buf_str(b, keys[i]);
				buf_str(b, ":");
				fmt_value(b, json_object_get(v, keys[i]), elem_hint(name), NULL);
			}
			free(keys);
			buf_str(b, "]");
			break;
		}
		buf_str(b, "{");
		i = 0;
		json_object_foreach(v, k, e) {
			buf_str(b, i++ ? " " : "");
			fmt_value(b, e, hint_for(k), k);
		}
		buf_str(b, "}");
		break;
	}
}

char *
template_format_value(json_t *v, const char *name)
{
	struct buf b = { 0 };

	if (!v)
		buf_str(&b, "<no value>");
	else
		fmt_value(&b, v, hint_for(name), name);
	return buf_take(&b);
}

/* ------------------------------------------------------------ lexer */

enum tok_kind {
	T_EOF, T_TEXT, T_LEFT, T_RIGHT, T_FIELD, T_DOT, T_VAR, T_IDENT, T_STRING, T_INT, T_REAL,
	T_LPAREN, T_RPAREN, T_PIPE, T_DECLARE, T_ASSIGN, T_COMMA,
};

struct tok {
	enum tok_kind kind;
	char *s;        /* text, name (fields without the dot), or a string's value */
	size_t pos;     /* offset in the template */
	bool adjacent;  /* no space before it (field chains: $x.A, (p).A) */
	long long i;
	double d;
};

enum arg_kind { A_DOT, A_FIELD, A_VAR, A_FUNC, A_STRING, A_INT, A_REAL, A_BOOL, A_NIL, A_PIPE };

struct pipe;

struct arg {
	enum arg_kind kind;
	char *name;       /* function, variable ("$", "$x") or string value */
	char **fields;    /* the chain after a dot, variable or (pipeline) */
	size_t nfields;
	long long i;
	double d;
	struct pipe *pipe;
	size_t pos;
	char *text;       /* the source, for messages */
};

struct cmd {
	struct arg *args;
	size_t nargs;
	size_t pos;
	char *text;
};

struct pipe {
	char *vars[2];
	size_t nvars;
	struct cmd *cmds;
	size_t ncmds;
};

enum node_kind { N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH };

struct list;

struct node {
	enum node_kind kind;
	char *text;
	struct pipe *pipe;
	struct list *body, *alt;
};

struct list {
	struct node **n;
	size_t len;
};

struct template {
	char *src;
	struct list *root;
	unsigned flags;
};

struct parser {
	const char *src;
	struct tok *toks;
	size_t ntoks, i;
	char *err;
	size_t errlen;
	bool failed;
};

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static void *
grow(void *p, size_t n, size_t size)
{
	p = realloc(p, (n + 1) * size);
	if (!p)
		abort();
	memset((char *)p + n * size, 0, size);
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (!r)
		abort();
	return r;
}

static unsigned
line_of(const char *src, size_t pos)
{
	unsigned line = 1;

	for (size_t i = 0; i < pos && src[i]; i++)
		line += src[i] == '\n';
	return line;
}

__attribute__((format(printf, 3, 4))) static void
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "template: :%u: %s", line_of(p->src, pos), msg);
	p->failed = true;
}

static struct tok *
add_tok(struct parser *p, enum tok_kind k, size_t pos, const char *s, size_t n)
{
	struct tok *t;

	p->toks = grow(p->toks, p->ntoks, sizeof(*p->toks));
	t = &p->toks[p->ntoks++];
	t->kind = k;
	t->pos = pos;
	t->s = s ? xstrndup(s, n) : NULL;
	return t;
}

static bool
is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* A quoted string's value (Go's escapes that matter: \n \t \\ \" \r). */
static size_t
lex_string(struct parser *p, size_t at)
{
	const char *s = p->src;
	char q = s[at];
	struct buf b = { 0 };
	size_t i = at + 1;
	struct tok *t;

	for (; s[i] && s[i] != q; i++) {
		if (q == '"' && s[i] == '\\' && s[i + 1]) {
			char c = s[++i];

			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
			buf_add(&b, &c, 1);
		} else if (q == '"' && s[i] == '\n') {
			break;
		} else {
			buf_add(&b, s + i, 1);
		}
	}
	if (s[i] != q) {
		free(b.s);
		perr(p, at, "unterminated %s string", q == '"' ? "quoted" : "raw quoted");
		return i;
	}
	t = add_tok(p, T_STRING, at, NULL, 0);
	t->s = buf_take(&b);
	return i + 1;
}

static size_t
lex_number(struct parser *p, size_t at)
{
	const char *s = p->src + at;
	char *end;
	long long v = strtoll(s, &end, 0);
	struct tok *t;

	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(s, &end);

		t = add_tok(p, T_REAL, at, s, (size_t)(end - s));
		t->d = d;
	} else {
		t = add_tok(p, T_INT, at, s, (size_t)(end - s));
		t->i = v;
	}
	if (is_ident(*end))
		perr(p, at, "bad number syntax: \"%.*s\"", (int)(end - s + 1), s);
	return (size_t)(end - p->src);
}

/* One token inside an action at i; returns the next offset. */
static size_t
lex_token(struct parser *p, size_t i, bool adjacent)
{
	const char *s = p->src;
	size_t start = i, ntok = p->ntoks;
	char c = s[i];

	if (c == '"' || c == '`') {
		i = lex_string(p, i);
	} else if (c == '(' || c == ')' || c == '|' || c == ',') {
		add_tok(p, c == '(' ? T_LPAREN : c == ')' ? T_RPAREN : c == '|' ? T_PIPE : T_COMMA, i, NULL, 0);
		i++;
	} else if (c == ':' && s[i + 1] == '=') {
		add_tok(p, T_DECLARE, i, NULL, 0);
		i += 2;
	} else if (c == '=') {
		add_tok(p, T_ASSIGN, i, NULL, 0);
		i++;
	} else if (c == '$') {
		for (i++; is_ident(s[i]); i++)
			;
		add_tok(p, T_VAR, start, s + start, i - start);
	} else if (c == '.' && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_')) {
		for (i++; is_ident(s[i]); i++)
			;
		add_tok(p, T_FIELD, start, s + start + 1, i - start - 1);
	} else if (c == '.' && !isdigit((unsigned char)s[i + 1])) {
		add_tok(p, T_DOT, i, NULL, 0);
		i++;
	} else if (isdigit((unsigned char)c) || c == '.' ||
		   ((c == '-' || c == '+') && (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '.'))) {
		i = lex_number(p, i);
	} else if (isalpha((unsigned char)c) || c == '_') {
		for (; is_ident(s[i]); i++)
			;
		add_tok(p, T_IDENT, start, s + start, i - start);
	} else {
		perr(p, i, "unexpected \"%c\" in command", c);
		return i + 1;
	}
	if (p->ntoks > ntok)
		p->toks[ntok].adjacent = adjacent;
	return i;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The action starting after "{{" (and "- "); returns the offset after "}}",
 * setting *trim_right for "-}}". */
static size_t
lex_action(struct parser *p, size_t i, bool *trim_right)
{
	const char *s = p->src;
	bool spaced = true;

	add_tok(p, T_LEFT, i, NULL, 0);
	while (!p->failed) {
		size_t j = i;

		while (is_space(s[j]))
			j++;
		spaced = j > i || spaced;
		i = j;
		if (!s[i]) {
			perr(p, i, "unclosed action");
			return i;
		}
		if (spaced && s[i] == '-' && s[i + 1] == '}' && s[i + 2] == '}' && i > 0 && is_space(s[i - 1])) {
			*trim_right = true;
			add_tok(p, T_RIGHT, i, NULL, 0);
			return i + 3;
		}
		if (s[i] == '}' && s[i + 1] == '}') {
			add_tok(p, T_RIGHT, i, NULL, 0);
			return i + 2;
		}
		i = lex_token(p, i, !spaced);
		spaced = false;
	}
	return i;
}

static void
lex(struct parser *p)
{
	const char *s = p->src;
	size_t i = 0;

	while (s[i] && !p->failed) {
		const char *open = strstr(s + i, "{{");
		size_t end = open ? (size_t)(open - s) : strlen(s), text_end = end;
		bool trim_left = open && open[2] == '-' && is_space(open[3]), trim_right = false;

		if (trim_left)
			while (text_end > i && is_space(s[text_end - 1]))
				text_end--;
		if (text_end > i)
			add_tok(p, T_TEXT, i, s + i, text_end - i);
		if (!open)
			break;
		i = end + 2 + (trim_left ? 2 : 0);
		while (is_space(s[i]) && s[i + 1] == '/' && s[i + 2] == '*')
			i++;
		if (s[i] == '/' && s[i + 1] == '*') {
			const char *close = strstr(s + i + 2, "*/");
			size_t j;

			if (!close) {
				perr(p, i, "unclosed comment");
				break;
			}
			j = (size_t)(close - s) + 2;
			while (is_space(s[j]))
				j++;
			if (s[j] == '-' && s[j + 1] == '}' && s[j + 2] == '}')
				trim_right = true, j++;
			if (s[j] != '}' || s[j + 1] != '}') {
				perr(p, j, "comment ends before closing delimiter");
				break;
			}
			i = j + 2;
		} else {
			i = lex_action(p, i, &trim_right);
		}
		if (trim_right)
			while (is_space(s[i]))
				i++;
	}
	add_tok(p, T_EOF, strlen(s), NULL, 0);
}

/* ------------------------------------------------------------ parser */

static const char *const funcs[] = {
	"json", "index", "len", "join", "split", "lower", "upper", "title", "println", "print", "printf",
	"eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "pad", "truncate",
};

static bool
is_func(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(name, funcs[i]) == 0)
			return true;
	return false;
}

static struct tok *
peek(struct parser *p)
{
	return &p->toks[p->i];
}

static struct tok *
next(struct parser *p)
{
	struct tok *t = &p->toks[p->i];

	if (t->kind != T_EOF)
		p->i++;
	return t;
}

static struct pipe *parse_pipeline(struct parser *p, bool decl, enum tok_kind end);

/* Field names that follow without a space: $x.A.B, (pipe).A */
static void
parse_chain(struct parser *p, struct arg *a)
{
	while (peek(p)->kind == T_FIELD && peek(p)->adjacent) {
		const char *name = next(p)->s;

		a->fields = grow(a->fields, a->nfields, sizeof(char *));
		a->fields[a->nfields++] = xstrndup(name, strlen(name));
	}
}

static void
parse_operand(struct parser *p, struct arg *a)
{
	struct tok *t = next(p);

	a->pos = t->pos;
	switch (t->kind) {
	case T_FIELD:
		a->kind = A_FIELD;
		a->fields = grow(NULL, 0, sizeof(char *));
		a->fields[a->nfields++] = xstrndup(t->s, strlen(t->s));
		parse_chain(p, a);
		break;
	case T_DOT: a->kind = A_DOT; break;
	case T_VAR:
		a->kind = A_VAR;
		a->name = xstrndup(t->s, strlen(t->s));
		parse_chain(p, a);
		break;
	case T_STRING:
		a->kind = A_STRING;
		a->name = xstrndup(t->s, strlen(t->s));
		break;
	case T_INT: a->kind = A_INT, a->i = t->i; break;
	case T_REAL: a->kind = A_REAL, a->d = t->d; break;
	case T_IDENT:
		if (strcmp(t->s, "true") == 0 || strcmp(t->s, "false") == 0) {
			a->kind = A_BOOL, a->i = t->s[0] == 't';
		} else if (strcmp(t->s, "nil") == 0) {
			a->kind = A_NIL;
		} else if (is_func(t->s)) {
			a->kind = A_FUNC;
			a->name = xstrndup(t->s, strlen(t->s));
		} else {
			perr(p, t->pos, "function \"%s\" not defined", t->s);
		}
		break;
	case T_LPAREN:
		a->kind = A_PIPE;
		a->pipe = parse_pipeline(p, false, T_RPAREN);
		if (p->failed)
			break;
		if (next(p)->kind != T_RPAREN) {
			perr(p, t->pos, "unclosed left paren");
			break;
		}
		parse_chain(p, a);
		break;
	case T_EOF:
	case T_RIGHT: perr(p, t->pos, "unclosed action"); break;
	default: perr(p, t->pos, "unexpected %s in operand", t->kind == T_RPAREN ? "\")\"" : "token"); break;
	}
	a->text = xstrndup(p->src + t->pos, peek(p)->pos - t->pos);
	while (a->text[0] && is_space(a->text[strlen(a->text) - 1]))
		a->text[strlen(a->text) - 1] = '\0';
}

static void
parse_command(struct parser *p, struct cmd *c)
{
	enum tok_kind k;

	c->pos = peek(p)->pos;
	while (!p->failed && (k = peek(p)->kind) != T_RIGHT && k != T_PIPE && k != T_RPAREN && k != T_EOF) {
		c->args = grow(c->args, c->nargs, sizeof(*c->args));
		parse_operand(p, &c->args[c->nargs++]);
		if (c->args[0].kind != A_FUNC && c->nargs > 1)
			perr(p, c->args[1].pos, "can't give argument to non-function %s", c->args[0].text);
	}
	if (!p->failed && c->nargs == 0)
		perr(p, peek(p)->pos, "missing value for command");
	c->text = xstrndup(p->src + c->pos, peek(p)->pos - c->pos);
	while (c->text[0] && is_space(c->text[strlen(c->text) - 1]))
		c->text[strlen(c->text) - 1] = '\0';
}

static struct pipe *
parse_pipeline(struct parser *p, bool decl, enum tok_kind end)
{
	struct pipe *pp = xcalloc(1, sizeof(*pp));
	size_t save = p->i;

	if (decl && peek(p)->kind == T_VAR) {
		struct tok *v1 = next(p), *v2;

		if (peek(p)->kind == T_COMMA && p->toks[p->i + 1].kind == T_VAR) {
			next(p);
			v2 = next(p);
			pp->vars[1] = xstrndup(v2->s, strlen(v2->s));
		}
		if (peek(p)->kind == T_DECLARE || peek(p)->kind == T_ASSIGN) {
			next(p);
			pp->vars[0] = xstrndup(v1->s, strlen(v1->s));
			pp->nvars = pp->vars[1] ? 2 : 1;
		} else {
			free(pp->vars[1]);
			pp->vars[1] = NULL;
			p->i = save;
		}
	}
	while (!p->failed) {
		pp->cmds = grow(pp->cmds, pp->ncmds, sizeof(*pp->cmds));
		parse_command(p, &pp->cmds[pp->ncmds++]);
		if (peek(p)->kind != T_PIPE)
			break;
		next(p);
	}
	if (!p->failed && peek(p)->kind != end)
		perr(p, peek(p)->pos, "unexpected %s in %s", peek(p)->kind == T_RPAREN ? "\")\"" : "token",
		     end == T_RPAREN ? "parenthesized pipeline" : "command");
	return pp;
}

enum ended { END_EOF, END_END, END_ELSE, END_ELSE_IF };

static struct list *parse_list(struct parser *p, enum ended *ended);

static struct node *
new_node(enum node_kind k)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = k;
	return n;
}

static void
list_add(struct list *l, struct node *n)
{
	l->n = grow(l->n, l->len, sizeof(*l->n));
	l->n[l->len++] = n;
}

/* if/range/with after its keyword: pipeline, "}}", body, [else ...], end. */
static struct node *
parse_control(struct parser *p, enum node_kind k, size_t pos)
{
	struct node *n = new_node(k);
	enum ended ended;

	n->pipe = parse_pipeline(p, true, T_RIGHT);
	if (p->failed)
		return n;
	next(p);
	n->body = parse_list(p, &ended);
	if (ended == END_ELSE) {
		n->alt = parse_list(p, &ended);
		if (!p->failed && ended != END_END)
			perr(p, pos, ended == END_EOF ? "unexpected EOF" : "expected end; found {{else}}");
	} else if (ended == END_ELSE_IF) {
		n->alt = xcalloc(1, sizeof(*n->alt));
		list_add(n->alt, parse_control(p, N_IF, pos));
	} else if (!p->failed && ended != END_END) {
		perr(p, pos, "unexpected EOF");
	}
	return n;
}

static struct list *
parse_list(struct parser *p, enum ended *ended)
{
	struct list *l = xcalloc(1, sizeof(*l));

	*ended = END_EOF;
	while (!p->failed && peek(p)->kind != T_EOF) {
		struct tok *t = next(p), *kw;
		struct node *n;

		if (t->kind == T_TEXT) {
			n = new_node(N_TEXT);
			n->text = xstrndup(t->s, strlen(t->s));
			list_add(l, n);
			continue;
		}
		kw = peek(p);
		if (kw->kind == T_IDENT && (strcmp(kw->s, "end") == 0 || strcmp(kw->s, "else") == 0)) {
			bool is_end = kw->s[1] == 'n';

			next(p);
			if (!is_end && peek(p)->kind == T_IDENT && strcmp(peek(p)->s, "if") == 0) {
				next(p);
				*ended = END_ELSE_IF;
				return l;
			}
			if (next(p)->kind != T_RIGHT)
				perr(p, kw->pos, "unexpected token in %s", kw->s);
			*ended = is_end ? END_END : END_ELSE;
			return l;
		}
		if (kw->kind == T_IDENT && (strcmp(kw->s, "if") == 0 || strcmp(kw->s, "range") == 0 ||
					    strcmp(kw->s, "with") == 0)) {
			next(p);
			list_add(l, parse_control(p, kw->s[0] == 'i' ? N_IF : kw->s[0] == 'r' ? N_RANGE : N_WITH,
						  kw->pos));
			continue;
		}
		if (kw->kind == T_IDENT && (strcmp(kw->s, "define") == 0 || strcmp(kw->s, "template") == 0 ||
					    strcmp(kw->s, "block") == 0 || strcmp(kw->s, "break") == 0 ||
					    strcmp(kw->s, "continue") == 0)) {
			perr(p, kw->pos, "{{%s}} is not supported", kw->s);
			break;
		}
		n = new_node(N_ACTION);
		n->pipe = parse_pipeline(p, true, T_RIGHT);
		next(p);
		list_add(l, n);
	}
	return l;
}

static void free_list(struct list *l);

static void
free_pipe(struct pipe *pp)
{
	if (!pp)
		return;
	for (size_t i = 0; i < pp->ncmds; i++) {
		struct cmd *c = &pp->cmds[i];

		for (size_t j = 0; j < c->nargs; j++) {
			struct arg *a = &c->args[j];

			for (size_t k = 0; k < a->nfields; k++)
				free(a->fields[k]);
			free(a->fields);
			free(a->name);
			free(a->text);
			free_pipe(a->pipe);
		}
		free(c->args);
		free(c->text);
	}
	free(pp->cmds);
	free(pp->vars[0]);
	free(pp->vars[1]);
	free(pp);
}

static void
free_list(struct list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++) {
		free(l->n[i]->text);
		free_pipe(l->n[i]->pipe);
		free_list(l->n[i]->body);
		free_list(l->n[i]->alt);
		free(l->n[i]);
	}
	free(l->n);
	free(l);
}

void
template_free(struct template *t)
{
	if (!t)
		return;
	free_list(t->root);
	free(t->src);
	free(t);
}

/* "\t" and "\n" written as two characters, in text outside actions. */
static void
unescape_text(struct list *l)
{
	for (size_t i = 0; l && i < l->len; i++) {
		char *s = l->n[i]->text, *w = s;

		for (; s && *s; s++) {
			if (s[0] == '\\' && (s[1] == 't' || s[1] == 'n'))
				*w++ = *++s == 't' ? '\t' : '\n';
			else
				*w++ = *s;
		}
		if (w)
			*w = '\0';
		unescape_text(l->n[i]->body);
		unescape_text(l->n[i]->alt);
	}
}

struct template *
template_parse(const char *text, unsigned flags, char *err, size_t errlen)
{
	struct parser p = { .src = text, .err = err, .errlen = errlen };
	struct template *t = xcalloc(1, sizeof(*t));
	enum ended ended;

	t->src = xstrndup(text, strlen(text));
	t->flags = flags;
	p.src = t->src;
	lex(&p);
	if (!p.failed) {
		t->root = parse_list(&p, &ended);
		if (!p.failed && ended != END_EOF)
			perr(&p, p.toks[p.i ? p.i - 1 : 0].pos, "unexpected {{%s}}", ended == END_END ? "end" : "else");
	}
	for (size_t i = 0; i < p.ntoks; i++)
		free(p.toks[i].s);
	free(p.toks);
	if (p.failed) {
		template_free(t);
		return NULL;
	}
	if (flags & TEMPLATE_ESCAPES)
		unescape_text(t->root);
	return t;
}

/* ------------------------------------------------------------ executor */

struct var {
	const char *name;
	struct val v;
};

struct exec {
	const struct template *t;
	struct buf out;
	struct var vars[64];
	size_t nvars;
	char *err;
	size_t errlen;
	bool failed;
};

__attribute__((format(printf, 4, 5))) static void
xerr(struct exec *x, size_t pos, const char *context, const char *fmt, ...)
{
	const char *src = x->t->src;
	char msg[256];
	size_t col = pos;
	va_list ap;

	if (x->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < pos; i++)
		if (src[i] == '\n')
			col = pos - i - 1;
	snprintf(x->err, x->errlen, "template: :%u:%zu: executing \"\" at <%s>: %s", line_of(src, pos), col, context,
		 msg);
	x->failed = true;
}

static struct val
mk(json_t *j, const char *name)
{
	return (struct val){ .j = j, .name = name };
}

static struct val
ref(struct val v)
{
	return mk(v.j ? json_incref(v.j) : NULL, v.name);
}

static void
drop(struct val *v)
{
	json_decref(v->j);
	v->j = NULL;
}

static enum hint
val_hint(struct val v)
{
	return hint_for(v.name);
}

static bool
truth(struct val v)
{
	if (!v.j)
		return false;
	switch (json_typeof(v.j)) {
	case JSON_STRING: return json_string_length(v.j) > 0;
	case JSON_INTEGER: return json_integer_value(v.j) != 0;
	case JSON_REAL: return json_real_value(v.j) != 0;
	case JSON_TRUE: return true;
	case JSON_ARRAY: return json_array_size(v.j) > 0;
	case JSON_OBJECT: return val_hint(v) != H_MAP || json_object_size(v.j) > 0; /* a struct is always true */
	default: return false;
	}
}

/* obj.name: Go's exact field name; lite's lower-case keys also match
 * (ExitCode finds exit_code) so templates over lite's own objects work. */
static json_t *
get_field(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name), *e;
	const char *k;

	if (v)
		return v;
	json_object_foreach(obj, k, e) {
		const char *a = name, *b = k;

		for (;; a++, b++) {
			while (*a == '_')
				a++;
			while (*b == '_')
				b++;
			if (!*a || !*b || tolower((unsigned char)*a) != tolower((unsigned char)*b))
				break;
		}
		if (!*a && !*b)
			return e;
	}
	return NULL;
}

static char *
upper_words(const char *name)
{
	struct buf b = { 0 };

	for (const char *s = name; *s; s++) {
		char c = (char)toupper((unsigned char)*s);

		if (s > name && isupper((unsigned char)*s) && islower((unsigned char)s[-1]))
			buf_str(&b, " ");
		buf_add(&b, &c, 1);
	}
	return buf_take(&b);
}

static struct val take_string(char *s);

/* Follow fields from v (consumed). */
static struct val
walk(struct exec *x, struct val v, char **fields, size_t n, const struct arg *a)
{
	for (size_t i = 0; i < n && !x->failed; i++) {
		json_t *next_j;

		if (!v.j || json_is_null(v.j)) {
			xerr(x, a->pos, a->text, "nil pointer evaluating %s.%s", v.j ? "*" : "interface {}", fields[i]);
			break;
		}
		if (!json_is_object(v.j)) {
			xerr(x, a->pos, a->text, "can't evaluate field %s in type %s", fields[i],
			     json_is_array(v.j) ? "[]interface {}" : json_is_string(v.j) ? "string" : "int");
			break;
		}
		next_j = val_hint(v) == H_MAP ? json_object_get(v.j, fields[i]) : get_field(v.j, fields[i]);
		if (!next_j && val_hint(v) != H_MAP && (next_j = omitted_field(fields[i]))) {
			drop(&v);
			v = mk(next_j, fields[i]);
			continue;
		}
		if (!next_j && val_hint(v) != H_MAP) {
			if (x->t->flags & TEMPLATE_HEADER) {
				drop(&v);
				return take_string(upper_words(fields[i]));
			}
			xerr(x, a->pos, a->text, "can't evaluate field %s", fields[i]);
			break;
		}
		json_t *keep = next_j ? json_incref(next_j) : NULL;
		drop(&v);
		v = mk(keep, fields[i]);
	}
	if (x->failed)
		drop(&v);
	return v;
}

static struct val eval_pipe(struct exec *x, const struct pipe *pp, struct val dot);
static struct val call_func(struct exec *x, const struct cmd *c, struct val dot, struct val *final);

static struct val
var_get(struct exec *x, const struct arg *a)
{
	for (size_t i = x->nvars; i-- > 0;)
		if (strcmp(x->vars[i].name, a->name) == 0)
			return ref(x->vars[i].v);
	xerr(x, a->pos, a->text, "undefined variable: %s", a->name);
	return mk(NULL, NULL);
}

static struct val
eval_arg(struct exec *x, const struct arg *a, struct val dot)
{
	switch (a->kind) {
	case A_DOT: return ref(dot);
	case A_FIELD:
		return walk(x, ref(dot), a->fields, a->nfields, a);
	case A_VAR: return walk(x, var_get(x, a), a->fields, a->nfields, a);
	case A_PIPE: return walk(x, eval_pipe(x, a->pipe, dot), a->fields, a->nfields, a);
	case A_STRING: return mk(json_string(a->name), NULL);
	case A_INT: return mk(json_integer(a->i), NULL);
	case A_REAL: return mk(json_real(a->d), NULL);
	case A_BOOL: return mk(json_boolean(a->i), NULL);
	case A_NIL: return mk(json_null(), NULL);
	case A_FUNC: {
		struct cmd c = { .args = (struct arg *)a, .nargs = 1, .pos = a->pos, .text = a->text };

		return call_func(x, &c, dot, NULL);
	}
	}
	return mk(NULL, NULL);
}

/* ---- functions */

static char *
val_text(struct val v)
{
	struct buf b = { 0 };

	if (!v.j)
		buf_str(&b, "<no value>");
	else
		fmt_value(&b, v.j, val_hint(v), v.name);
	return buf_take(&b);
}

static struct val
take_string(char *s)
{
	struct val v = mk(json_string(s), NULL);

	if (!v.j) /* not UTF-8: keep the bytes */
		v.j = json_stringn_nocheck(s, strlen(s));
	free(s);
	return v;
}

static int
compare(struct val a, struct val b, bool *ret_eq, int *ret_order)
{
	json_t *x = a.j, *y = b.j;

	*ret_order = 0;
	if (x && y && json_is_number(x) && json_is_number(y)) {
		double dx = json_number_value(x), dy = json_number_value(y);

		if (json_is_integer(x) && json_is_integer(y)) {
			json_int_t ix = json_integer_value(x), iy = json_integer_value(y);

			*ret_order = ix < iy ? -1 : ix > iy;
		} else {
			*ret_order = dx < dy ? -1 : dx > dy;
		}
		*ret_eq = *ret_order == 0;
		return 0;
	}
	if (x && y && json_is_string(x) && json_is_string(y)) {
		*ret_order = strcmp(json_string_value(x), json_string_value(y));
		*ret_order = *ret_order < 0 ? -1 : *ret_order > 0;
		*ret_eq = *ret_order == 0;
		return 0;
	}
	if (x && y && json_is_boolean(x) && json_is_boolean(y)) {
		*ret_eq = json_boolean_value(x) == json_boolean_value(y);
		return 1; /* no order */
	}
	if ((!x || json_is_null(x)) && (!y || json_is_null(y))) {
		*ret_eq = true;
		return 1;
	}
	if ((x && (json_is_array(x) || json_is_object(x))) || (y && (json_is_array(y) || json_is_object(y))))
		return -1;
	*ret_eq = false;
	return -2; /* different kinds */
}

static struct val
fn_compare(struct exec *x, const struct cmd *c, const char *name, struct val *av, size_t n)
{
	bool eq = false;
	int order, r;

	if (n < 2) {
		xerr(x, c->pos, c->text, "wrong number of args for %s: want at least 2 got %zu", name, n);
		return mk(NULL, NULL);
	}
	if (strcmp(name, "eq") == 0) {
		for (size_t i = 1; i < n && !eq; i++) {
			bool e;

			if (compare(av[0], av[i], &e, &order) == -1) {
				xerr(x, c->pos, c->text, "error calling eq: non-comparable type");
				return mk(NULL, NULL);
			}
			eq = e;
		}
		return mk(json_boolean(eq), NULL);
	}
	if (n != 2) {
		xerr(x, c->pos, c->text, "wrong number of args for %s: want 2 got %zu", name, n);
		return mk(NULL, NULL);
	}
	r = compare(av[0], av[1], &eq, &order);
	if (strcmp(name, "ne") == 0 && r != -1)
		return mk(json_boolean(!eq), NULL);
	if (r != 0) {
		xerr(x, c->pos, c->text, "error calling %s: %s", name,
		     r == -2 ? "incompatible types for comparison" : "invalid type for comparison");
		return mk(NULL, NULL);
	}
	if (strcmp(name, "lt") == 0)
		return mk(json_boolean(order < 0), NULL);
	if (strcmp(name, "le") == 0)
		return mk(json_boolean(order <= 0), NULL);
	if (strcmp(name, "gt") == 0)
		return mk(json_boolean(order > 0), NULL);
	return mk(json_boolean(order >= 0), NULL);
}

static struct val
fn_index(struct exec *x, const struct cmd *c, struct val *av, size_t n)
{
	struct val v = ref(av[0]);

	for (size_t i = 1; i < n && !x->failed; i++) {
		json_t *k = av[i].j, *e = NULL;

		if (v.j && json_is_array(v.j) && k && json_is_integer(k)) {
			if (json_integer_value(k) < 0 || (size_t)json_integer_value(k) >= json_array_size(v.j)) {
				xerr(x, c->pos, c->text, "error calling index: index out of range: %" JSON_INTEGER_FORMAT,
				     json_integer_value(k));
				break;
			}
			e = json_array_get(v.j, (size_t)json_integer_value(k));
			drop(&v);
			v = mk(json_incref(e), NULL);
		} else if (v.j && json_is_object(v.j) && k && json_is_string(k)) {
			const char *name = v.name;
			json_t *first = json_object_iter_value(json_object_iter(v.j));

			e = json_object_get(v.j, json_string_value(k));
			/* a missing key gives the zero value of the map's elements */
			if (!e)
				e = !first || json_is_string(first) ? json_string("") : json_null();
			else
				json_incref(e);
			drop(&v);
			v = mk(e, elem_hint(name) == H_SLICE ? "Binds" : NULL); /* a nil []PortBinding prints [] */
		} else if (v.j && json_is_null(v.j)) {
			xerr(x, c->pos, c->text, "error calling index: index of untyped nil");
			break;
		} else {
			xerr(x, c->pos, c->text, "error calling index: cannot index %s with %s",
			     v.j && json_is_array(v.j) ? "slice" : v.j && json_is_object(v.j) ? "map" : "value",
			     k && json_is_string(k) ? "string" : "this type");
			break;
		}
	}
	if (x->failed)
		drop(&v);
	return v;
}

static struct val
fn_len(struct exec *x, const struct cmd *c, struct val v)
{
	json_t *j = v.j;

	if (j && json_is_string(j))
		return mk(json_integer((json_int_t)json_string_length(j)), NULL);
	if (j && json_is_array(j))
		return mk(json_integer((json_int_t)json_array_size(j)), NULL);
	if (j && json_is_object(j))
		return mk(json_integer((json_int_t)json_object_size(j)), NULL);
	if (j && json_is_null(j) && val_hint(v) != H_NONE)
		return mk(json_integer(0), NULL);
	xerr(x, c->pos, c->text, "error calling len: len of %s", j && json_is_null(j) ? "nil pointer" : "type");
	return mk(NULL, NULL);
}

static struct val
fn_join(struct exec *x, const struct cmd *c, struct val a, struct val sep)
{
	struct buf b = { 0 };
	size_t i;
	json_t *e;

	if (!sep.j || !json_is_string(sep.j) || (a.j && !json_is_array(a.j) && !json_is_null(a.j)) || !a.j) {
		xerr(x, c->pos, c->text, "wrong type for value; expected []string");
		return mk(NULL, NULL);
	}
	json_array_foreach(a.j, i, e) {
		if (i)
			buf_str(&b, json_string_value(sep.j));
		fmt_value(&b, e, H_NONE, NULL);
	}
	return take_string(buf_take(&b));
}

static struct val
fn_split(struct val s, struct val sep)
{
	const char *str = json_string_value(s.j), *d = json_string_value(sep.j), *p;
	json_t *a = json_array();

	if (!*d) { /* Go splits into UTF-8 characters; bytes are close enough here */
		for (p = str; *p; p++)
			json_array_append_new(a, json_stringn_nocheck(p, 1));
		return mk(a, NULL);
	}
	while ((p = strstr(str, d))) {
		json_array_append_new(a, json_stringn_nocheck(str, (size_t)(p - str)));
		str = p + strlen(d);
	}
	json_array_append_new(a, json_string_nocheck(str));
	return mk(a, NULL);
}

static struct val
fn_case(const char *name, struct val s)
{
	char *t = strdup(json_string_value(s.j));
	bool word_start = true;

	if (!t)
		abort();
	for (char *p = t; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (name[0] == 'l')
			*p = (char)tolower(ch);
		else if (name[0] == 'u' || (word_start && isalpha(ch)))
			*p = (char)toupper(ch);
		word_start = !isalnum(ch) && ch != '_' && ch != '\'' && ch < 0x80;
	}
	return take_string(t);
}

/* Sprint: a space between operands when neither is a string. */
static struct val
fn_print(struct val *av, size_t n, bool ln)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		bool str = av[i].j && json_is_string(av[i].j), prev = i && av[i - 1].j && json_is_string(av[i - 1].j);
		char *t = val_text(av[i]);

		if (i && (ln || (!str && !prev)))
			buf_str(&b, " ");
		buf_str(&b, t);
		free(t);
	}
	if (ln)
		buf_str(&b, "\n");
	return take_string(buf_take(&b));
}

static void
pad_to(struct buf *b, const char *s, int width, bool left)
{
	int len = (int)strlen(s);

	if (left)
		buf_str(b, s);
	for (int i = len; i < width; i++)
		buf_str(b, " ");
	if (!left)
		buf_str(b, s);
}

/* printf with %v %s %d %t %q %x %% and a width ("%-10s"). */
static struct val
fn_printf(struct exec *x, const struct cmd *c, struct val *av, size_t n)
{
	const char *f;
	struct buf b = { 0 };
	size_t ai = 1;

	if (n < 1 || !av[0].j || !json_is_string(av[0].j)) {
		xerr(x, c->pos, c->text, "wrong type for value; expected string");
		return mk(NULL, NULL);
	}
	for (f = json_string_value(av[0].j); *f; f++) {
		bool left = false;
		int width = 0;
		char verb, *t;

		if (*f != '%') {
			buf_add(&b, f, 1);
			continue;
		}
		for (f++; *f == '-' || *f == '+' || *f == ' ' || *f == '0'; f++)
			left = left || *f == '-';
		for (; isdigit((unsigned char)*f); f++)
			width = width * 10 + (*f - '0');
		verb = *f;
		if (!verb)
			break;
		if (verb == '%') {
			buf_str(&b, "%");
			continue;
		}
		if (ai >= n) {
			buf_str(&b, "%!");
			buf_add(&b, &verb, 1);
			buf_str(&b, "(MISSING)");
			continue;
		}
		if (verb == 'q' && av[ai].j && json_is_string(av[ai].j)) {
			t = json_dumps(av[ai].j, JSON_ENCODE_ANY);
		} else if (verb == 'x' && av[ai].j && json_is_integer(av[ai].j)) {
			if (asprintf(&t, "%" JSON_INTEGER_FORMAT "x", json_integer_value(av[ai].j)) < 0)
				abort();
		} else {
			t = val_text(av[ai]);
		}
		pad_to(&b, t, width, left);
		free(t);
		ai++;
	}
	if (ai < n)
		buf_str(&b, "%!(EXTRA)");
	return take_string(buf_take(&b));
}

static bool
want_args(struct exec *x, const struct cmd *c, const char *name, size_t n, size_t want)
{
	if (n == want)
		return true;
	xerr(x, c->pos, c->text, "wrong number of args for %s: want %zu got %zu", name, want, n);
	return false;
}

static bool
want_strings(struct exec *x, const struct cmd *c, struct val *av, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!av[i].j || !json_is_string(av[i].j)) {
			xerr(x, c->pos, c->text, "wrong type for value; expected string; got %s",
			     !av[i].j ? "<no value>" : json_is_array(av[i].j) ? "[]string" : "other");
			return false;
		}
	return true;
}

static struct val
dispatch(struct exec *x, const struct cmd *c, const char *f, struct val *av, size_t n)
{
	if (strcmp(f, "json") == 0) {
		if (!want_args(x, c, f, n, 1))
			return mk(NULL, NULL);
		return take_string(av[0].j ? json_dumps(av[0].j, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("null"));
	}
	if (strcmp(f, "index") == 0)
		return n ? fn_index(x, c, av, n) : (want_args(x, c, f, n, 1), mk(NULL, NULL));
	if (strcmp(f, "len") == 0)
		return want_args(x, c, f, n, 1) ? fn_len(x, c, av[0]) : mk(NULL, NULL);
	if (strcmp(f, "join") == 0)
		return want_args(x, c, f, n, 2) ? fn_join(x, c, av[0], av[1]) : mk(NULL, NULL);
	if (strcmp(f, "split") == 0)
		return want_args(x, c, f, n, 2) && want_strings(x, c, av, 2) ? fn_split(av[0], av[1]) : mk(NULL, NULL);
	if (strcmp(f, "lower") == 0 || strcmp(f, "upper") == 0 || strcmp(f, "title") == 0)
		return want_args(x, c, f, n, 1) && want_strings(x, c, av, 1) ? fn_case(f, av[0]) : mk(NULL, NULL);
	if (strcmp(f, "print") == 0 || strcmp(f, "println") == 0)
		return fn_print(av, n, f[5] == 'l');
	if (strcmp(f, "printf") == 0)
		return fn_printf(x, c, av, n);
	if (strcmp(f, "not") == 0)
		return want_args(x, c, f, n, 1) ? mk(json_boolean(!truth(av[0])), NULL) : mk(NULL, NULL);
	if (strcmp(f, "and") == 0 || strcmp(f, "or") == 0) {
		size_t i = 0;

		if (n == 0)
			return want_args(x, c, f, n, 1), mk(NULL, NULL);
		for (; i + 1 < n; i++)
			if (truth(av[i]) != (f[0] == 'a'))
				break;
		return ref(av[i]);
	}
	if (strcmp(f, "pad") == 0) {
		struct buf b = { 0 };

		if (!want_args(x, c, f, n, 3) || !want_strings(x, c, av, 1))
			return mk(NULL, NULL);
		pad_to(&b, "", (int)json_integer_value(av[1].j), false);
		buf_str(&b, json_string_value(av[0].j));
		pad_to(&b, "", (int)json_integer_value(av[2].j), false);
		return take_string(buf_take(&b));
	}
	if (strcmp(f, "truncate") == 0) {
		json_int_t len;
		const char *s;

		if (!want_args(x, c, f, n, 2) || !want_strings(x, c, av, 1))
			return mk(NULL, NULL);
		len = json_integer_value(av[1].j);
		s = json_string_value(av[0].j);
		return mk(json_stringn_nocheck(s, len >= 0 && (size_t)len < strlen(s) ? (size_t)len : strlen(s)), NULL);
	}
	return fn_compare(x, c, f, av, n);
}

static struct val
call_func(struct exec *x, const struct cmd *c, struct val dot, struct val *final)
{
	size_t n = c->nargs - 1 + (final ? 1 : 0);
	struct val *av = xcalloc(n + 1, sizeof(*av)), r = { 0 };

	for (size_t i = 1; i < c->nargs && !x->failed; i++)
		av[i - 1] = eval_arg(x, &c->args[i], dot);
	if (final)
		av[n - 1] = ref(*final);
	if (!x->failed)
		r = dispatch(x, c, c->args[0].name, av, n);
	for (size_t i = 0; i < n; i++)
		drop(&av[i]);
	free(av);
	if (x->failed)
		drop(&r);
	return r;
}

static struct val
eval_pipe(struct exec *x, const struct pipe *pp, struct val dot)
{
	struct val v = { 0 };
	bool have = false;

	for (size_t i = 0; i < pp->ncmds && !x->failed; i++) {
		const struct cmd *c = &pp->cmds[i];
		struct val r;

		if (c->args[0].kind == A_FUNC) {
			r = call_func(x, c, dot, have ? &v : NULL);
		} else if (have) {
			xerr(x, c->pos, c->text, "can't give argument to non-function %s", c->args[0].text);
			break;
		} else {
			r = eval_arg(x, &c->args[0], dot);
		}
		drop(&v);
		v = r;
		have = true;
	}
	if (x->failed)
		drop(&v);
	return v;
}

static void exec_list(struct exec *x, const struct list *l, struct val dot);

static void
set_var(struct exec *x, const char *name, struct val v)
{
	for (size_t i = x->nvars; i-- > 0;)
		if (strcmp(x->vars[i].name, name) == 0) {
			drop(&x->vars[i].v);
			x->vars[i].v = v;
			return;
		}
	if (x->nvars == sizeof(x->vars) / sizeof(x->vars[0])) {
		drop(&v);
		return;
	}
	x->vars[x->nvars].name = name;
	x->vars[x->nvars++].v = v;
}

static void
pop_vars(struct exec *x, size_t mark)
{
	while (x->nvars > mark)
		drop(&x->vars[--x->nvars].v);
}

static void
push_var(struct exec *x, const char *name, struct val v)
{
	if (x->nvars == sizeof(x->vars) / sizeof(x->vars[0])) {
		drop(&v);
		return;
	}
	x->vars[x->nvars].name = name;
	x->vars[x->nvars++].v = v;
}

static void
range_one(struct exec *x, const struct node *n, struct val key, struct val elem)
{
	size_t mark = x->nvars;

	if (n->pipe->nvars == 1) {
		push_var(x, n->pipe->vars[0], ref(elem));
	} else if (n->pipe->nvars == 2) {
		push_var(x, n->pipe->vars[0], ref(key));
		push_var(x, n->pipe->vars[1], ref(elem));
	}
	exec_list(x, n->body, elem);
	pop_vars(x, mark);
}

static void
exec_range(struct exec *x, const struct node *n, struct val dot)
{
	struct val v;
	size_t i, count = 0;
	json_t *e;

	v = eval_pipe(x, n->pipe, dot);
	if (x->failed)
		return;
	if (v.j && json_is_array(v.j)) {
		json_array_foreach(v.j, i, e) {
			struct val k = mk(json_integer((json_int_t)i), NULL);

			range_one(x, n, k, mk(e, NULL));
			drop(&k);
			count++;
			if (x->failed)
				break;
		}
	} else if (v.j && json_is_object(v.j)) {
		const char **keys = sorted_keys(v.j, &count);

		for (i = 0; i < count && !x->failed; i++) {
			struct val k = mk(json_string(keys[i]), NULL);
			const char *eh = elem_hint(v.name) == H_SLICE ? "Binds" : NULL;

			range_one(x, n, k, mk(json_object_get(v.j, keys[i]), eh));
			drop(&k);
		}
		free(keys);
	} else if (v.j && json_is_integer(v.j)) {
		for (json_int_t k = 0; k < json_integer_value(v.j) && !x->failed; k++, count++) {
			struct val kv = mk(json_integer(k), NULL);

			range_one(x, n, kv, kv);
			drop(&kv);
		}
	} else if (v.j && !json_is_null(v.j)) {
		char *t = val_text(v);

		xerr(x, n->pipe->cmds[0].pos, n->pipe->cmds[0].text, "range can't iterate over %s", t);
		free(t);
	}
	if (!x->failed && count == 0 && n->alt)
		exec_list(x, n->alt, dot);
	drop(&v);
}

static void
exec_node(struct exec *x, const struct node *n, struct val dot)
{
	size_t mark = x->nvars;
	struct val v;

	switch (n->kind) {
	case N_TEXT: buf_str(&x->out, n->text); return;
	case N_RANGE: exec_range(x, n, dot); return;
	case N_ACTION:
		v = eval_pipe(x, n->pipe, dot);
		if (x->failed)
			return;
		if (n->pipe->nvars) {
			set_var(x, n->pipe->vars[0], v);
			return;
		}
		{
			char *t = val_text(v);

			buf_str(&x->out, t);
			free(t);
		}
		drop(&v);
		return;
	case N_IF:
	case N_WITH:
		v = eval_pipe(x, n->pipe, dot);
		if (x->failed)
			return;
		if (n->pipe->nvars)
			push_var(x, n->pipe->vars[0], ref(v));
		if (truth(v))
			exec_list(x, n->body, n->kind == N_WITH ? v : dot);
		else if (n->alt)
			exec_list(x, n->alt, dot);
		pop_vars(x, mark);
		drop(&v);
		return;
	}
}

static void
exec_list(struct exec *x, const struct list *l, struct val dot)
{
	size_t mark = x->nvars;

	for (size_t i = 0; l && i < l->len && !x->failed; i++)
		exec_node(x, l->n[i], dot);
	pop_vars(x, mark);
}

char *
template_exec(const struct template *t, json_t *dot, char *err, size_t errlen)
{
	struct exec x = { .t = t, .err = err, .errlen = errlen };
	struct val d = mk(dot, NULL);

	x.vars[x.nvars].name = "$";
	x.vars[x.nvars++].v = ref(d);
	exec_list(&x, t->root, d);
	pop_vars(&x, 0);
	if (x.failed) {
		free(x.out.s);
		return NULL;
	}
	return buf_take(&x.out);
}

char *
template_render(const char *text, json_t *dot, unsigned flags, char *err, size_t errlen)
{
	struct template *t = template_parse(text, flags, err, errlen);
	char *s;

	if (!t)
		return NULL;
	s = template_exec(t, dot, err, errlen);
	template_free(t);
	return s;
}
