/* lite cp's path rules (cp-path.c): Docker's semantics for where a copied
 * tree lands, and the rewriting of tar entry names. Pure, unit-tested. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum cp_dest_kind { CP_DEST_MISSING, CP_DEST_DIR, CP_DEST_OTHER, CP_DEST_KIND_MAX };

/* SRC ends in "/." (copy a directory's contents, not the directory). */
bool cp_path_contents_only(const char *src);
/* The name SRC's top entry carries in the tar: its last component, ignoring
 * trailing "/" and "/."; "/" gives ".". Fits in len or -ENAMETOOLONG. */
int cp_path_base(const char *src, char *buf, size_t len);
/* Where SRC's top entry goes, given what DEST is. -ENOTDIR / -EISDIR /
 * -ENOENT with a one-line message in *ret_msg (static). */
int cp_path_target(bool src_is_dir, bool contents_only, const char *base, const char *dest, enum cp_dest_kind kind,
		   char *buf, size_t len, const char **ret_msg);
/* Tar entry name -> destination path: base (or base/...) is replaced by
 * target; base "" puts every entry below target. Refuses absolute names,
 * ".." components and names outside base (-EINVAL). */
int cp_path_rewrite(const char *name, const char *base, const char *target, char *buf, size_t len);
/* "CONTAINER:PATH" -> container (in buf) and *ret_path; false for a host
 * path (absolute, "./...", "-" or no ':' before any '/'). */
bool cp_path_split(const char *arg, char *buf, size_t len, const char **ret_path);
