/* The daemon's memory between requests (idle-trim.c). */
#pragma once

#include <event2/event.h>

/* Arm the timer on base; once armed, each idle_trim_touch pushes it on. */
void idle_trim_init(struct event_base *base);
/* A request came: trim only after IDLE_TRIM_S seconds without another. */
void idle_trim_touch(void);
