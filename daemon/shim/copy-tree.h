/* Recursive copy between two directory fds, keeping modes, owners, times
 * and symlinks: a named volume's first use copies the image's content. */
#pragma once

/* Copy everything below src_dir into dst_dir (which should be empty). */
int copy_tree(int src_dir, int dst_dir);
/* A volume's first use: copy src_dir's contents into the tree tree_fd
 * (an open_tree fd; O_PATH is fine) only if that tree is empty. Closes
 * src_dir. 0 or -errno. */
int copy_tree_fill_empty(int src_dir, int tree_fd);
