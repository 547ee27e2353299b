/* Recursive copy between two directory fds, keeping modes, owners, times
 * and symlinks: a named volume's first use copies the image's content. */
#pragma once

/* Copy everything below src_dir into dst_dir (which should be empty). */
int copy_tree(int src_dir, int dst_dir);
