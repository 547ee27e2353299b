/* The events journal (events-journal.c): a bounded ring on disk of one
 * JSON line per event, in two segments, DIR/events.log (appended) and
 * DIR/events.log.1 (the one before). When the current segment reaches
 * half of the bound (events or bytes) it is renamed over the old one, so
 * the journal keeps at least the last half and never more than the whole
 * bound. An append is one write(2) of a whole line with O_APPEND; a line
 * torn by a crash is skipped by the reader. No event loop; unit-tested in
 * tests/unit/test-events-journal.c. */
#pragma once

#include <stddef.h>

/* The bound: 1,000 events or 1 MB, whichever comes first. */
#define EVENTS_JOURNAL_MAX_EVENTS 1000
#define EVENTS_JOURNAL_MAX_BYTES (1024 * 1024)

struct events_journal {
	char path[4096];       /* DIR/events.log */
	int fd;
	size_t seg_events, seg_bytes;   /* in the current segment */
	size_t max_events, max_bytes;   /* the whole journal's bound */
};

/* Open (creating DIR/events.log) with a bound; counts the current segment. */
int events_journal_open(struct events_journal *j, const char *dir, size_t max_events, size_t max_bytes);
/* Append line (without its newline); rotates first when the segment is full. */
int events_journal_append(struct events_journal *j, const char *line, size_t len);
/* Every complete line, oldest first: the old segment, then the current. */
int events_journal_read(const char *dir, void (*cb)(const char *line, size_t len, void *arg), void *arg);
void events_journal_close(struct events_journal *j);
