/* The shims' notes (ctr-notes.c): ends the daemon did not see itself. */
#pragma once

struct daemon;
struct ctr;

/* One inotify descriptor on the loop; a failure only logs (no notes). */
void ctr_notes_init(struct daemon *d);
/* Watch a running container's EXEC_ROOT/ID/notes/ and read what is there
 * already (notes left while the daemon was down). */
void ctr_notes_watch(struct daemon *d, struct ctr *c);
/* The container ended: read its last notes, stop watching. */
void ctr_notes_end(struct daemon *d, struct ctr *c);
