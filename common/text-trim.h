/* Drop read-only file pages (text, rodata) from our page tables (text-trim.c). */
#pragma once

#include <stdbool.h>

/* The program's own (all_objects false), or also every shared library's. */
void text_trim(bool all_objects);
