/* Private to the two halves of unpacking a tarball: image-unpack.c (the
 * archive's readers, the diff_id, the staging dir and the commit) and
 * image-unpack-entry.c (each entry, written beneath the layer root). */
#pragma once

#include "lite-err.h"

#include <archive.h>
#include <archive_entry.h>
#include <nettle/sha2.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MSG_NAME_MAX 160

struct dir_time {
	char *path; /* cleaned, relative to the layer root */
	struct timespec ts[2];
};

struct unpack {
	struct archive *outer, *inner;
	int tar_fd; /* archive_read_open_fd does not take ownership */
	struct sha256_ctx sha;
	uint64_t n_read; /* uncompressed bytes hashed so far */
	int rootfd;
	uint64_t size;
	uint64_t n_entries; /* for max-layer-entries */
	struct dir_time *dirs;
	size_t n_dirs, cap_dirs;
	char name[MSG_NAME_MAX]; /* current entry, printable, for messages */
	struct image_tarsplit *ts; /* records the tar minus file contents, or NULL */
	struct lite_err *err;
};

/* Create the entry the inner reader is at beneath u->rootfd, data and all;
 * a directory's times are only recorded (image_unpack_entry_dir_times). */
int image_unpack_entry(struct unpack *u, struct archive_entry *e);
/* Set the recorded directory times, once every entry is written. */
int image_unpack_entry_dir_times(struct unpack *u);
