/* An error that must reach a user: an errno-style code plus a message that
 * gains context on its way up ("create 'web': mount overlay: No such device"). */
#pragma once

#include <stdarg.h>

struct lite_err {
	int code;  /* positive errno, or 0 when unset */
	char *msg; /* heap string, NULL when unset */
};

/* Set err (if not NULL) to code and a formatted message; returns -code. */
int lite_err_set(struct lite_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like lite_err_set, appending ": strerror(code)". */
int lite_err_sys(struct lite_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the existing message with context ("ctx: old"); returns -err->code. */
int lite_err_wrap(struct lite_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lite_err_clear(struct lite_err *err);
