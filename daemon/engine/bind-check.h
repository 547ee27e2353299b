/* A non-root caller's bind sources, checked at create (bind-check.c). */
#pragma once

#include "ctr.h"
#include "lite-err.h"

/* 0, or an error naming the first bind source the creator (s->caller)
 * cannot open (or write, for a read-write bind). Root's: always 0. */
int bind_check_caller(const struct ctr_spec *s, struct lite_err *err);
