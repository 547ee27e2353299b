/* Notes from the shim to the daemon (shim-notes.c): what the daemon does
 * not see itself because the client talks to the shim directly (a passed
 * socket, exec -d). */
#pragma once

#include <jansson.h>
#include <stdbool.h>

struct shim_config;

/* Write o (stolen) as NOTES/NAME.json, NOTES being the "notes" directory
 * beside the attach socket; the daemon reads and removes it. */
void shim_notes_write(const struct shim_config *cfg, const char *name, json_t *o);
/* An exec's end: its id, exit code and error (NULL: none). */
void shim_notes_exec_exit(const struct shim_config *cfg, const char *exec_id, int exit_code, const char *error);
/* A user's attach session ended while the container runs. */
void shim_notes_detach(const struct shim_config *cfg);
