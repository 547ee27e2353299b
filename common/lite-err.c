/* Error values that carry a user-facing message with context. */
#include "lite-err.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

static char * __attribute__((format(printf, 1, 0)))
vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

int
lite_err_set(struct lite_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	if (!err)
		return -code;
	free(err->msg);
	va_start(ap, fmt);
	err->msg = vformat(fmt, ap);
	va_end(ap);
	err->code = code;
	return -code;
}

int
lite_err_sys(struct lite_err *err, int code, const char *fmt, ...)
{
	char *head;
	va_list ap;

	if (code < 0)
		code = -code;
	if (!err)
		return -code;
	va_start(ap, fmt);
	head = vformat(fmt, ap);
	va_end(ap);
	free(err->msg);
	err->msg = NULL;
	if (asprintf(&err->msg, "%s: %s", head ? head : "", strerror(code)) < 0)
		err->msg = NULL;
	free(head);
	err->code = code;
	return -code;
}

int
lite_err_wrap(struct lite_err *err, const char *fmt, ...)
{
	char *head, *joined = NULL;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	head = vformat(fmt, ap);
	va_end(ap);
	if (asprintf(&joined, "%s: %s", head ? head : "", err->msg ? err->msg : "error") < 0)
		joined = NULL;
	free(head);
	free(err->msg);
	err->msg = joined;
	if (!err->code)
		err->code = EIO;
	return -err->code;
}

void
lite_err_clear(struct lite_err *err)
{
	free(err->msg);
	err->msg = NULL;
	err->code = 0;
}
