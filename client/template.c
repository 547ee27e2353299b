/* Go text/template over JSON data: the lexer and parser build a tree once,
 * the executor walks it against a jansson value; values and their print
 * forms are template-value.c's, the functions template-funcs.c's. Only what Docker users
 * type in --format: no define/template/block, no method calls. Output and
 * error messages follow Go's (fmt %v printing, "template: :1:2: executing
 * ..." errors), so scripts written for docker behave the same. Pure. */
#include "template-internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
template_format_value(json_t *v, const char *name)
{
	struct buf b = { 0 };

	if (!v)
		template_value_buf_str(&b, "<no value>");
	else
		template_value_fmt(&b, v, template_value_hint(name), name);
	return template_value_buf_take(&b);
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
			template_value_buf_add(&b, &c, 1);
		} else if (q == '"' && s[i] == '\n') {
			break;
		} else {
			template_value_buf_add(&b, s + i, 1);
		}
	}
	if (s[i] != q) {
		free(b.s);
		perr(p, at, "unterminated %s string", q == '"' ? "quoted" : "raw quoted");
		return i;
	}
	t = add_tok(p, T_STRING, at, NULL, 0);
	t->s = template_value_buf_take(&b);
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
		} else if (template_funcs_exists(t->s)) {
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
		next_j = val_hint(v) == H_MAP ? json_object_get(v.j, fields[i]) : template_value_field(v.j, fields[i]);
		if (!next_j && val_hint(v) != H_MAP && (next_j = template_value_omitted(fields[i]))) {
			drop(&v);
			v = mk(next_j, fields[i]);
			continue;
		}
		if (!next_j && val_hint(v) != H_MAP) {
			if (x->t->flags & TEMPLATE_HEADER) {
				drop(&v);
				return template_value_take_string(template_value_upper_words(fields[i]));
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

static struct val
call_func(struct exec *x, const struct cmd *c, struct val dot, struct val *final)
{
	size_t n = c->nargs - 1 + (final ? 1 : 0);
	struct val *av = xcalloc(n + 1, sizeof(*av)), r = { 0 };

	for (size_t i = 1; i < c->nargs && !x->failed; i++)
		av[i - 1] = eval_arg(x, &c->args[i], dot);
	if (final)
		av[n - 1] = ref(*final);
	if (!x->failed) {
		char msg[256];
		bool failed = false;

		r = template_funcs_call(c->args[0].name, av, n, msg, sizeof(msg), &failed);
		if (failed)
			xerr(x, c->pos, c->text, "%s", msg);
	}
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
		const char **keys = template_value_sorted_keys(v.j, &count);

		for (i = 0; i < count && !x->failed; i++) {
			struct val k = mk(json_string(keys[i]), NULL);
			const char *eh = template_value_elem_hint(v.name) == H_SLICE ? "Binds" : NULL;

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
		char *t = template_value_text(v);

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
	case N_TEXT: template_value_buf_str(&x->out, n->text); return;
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
			char *t = template_value_text(v);

			template_value_buf_str(&x->out, t);
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
		if (template_value_truth(v))
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
	return template_value_buf_take(&x.out);
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
