/* copy_tree: a small "cp -a" over *at() calls, never following symlinks. */
#include "copy-tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-util.h"
#include "fs-util.h"

static int
copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st)
{
	char buf[65536];
	int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out, r = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (fd_write_all(out, buf, (size_t)n) < 0) {
			r = -errno;
			break;
		}
	if (n < 0)
		r = -errno;
	close(in);
	close(out);
	return r;
}

/* Owner, mode and times of dst/name like st, best effort (as cp -a). */
static void
copy_attrs(int dst_dir, const char *name, const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	(void)!fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
	if (!S_ISLNK(st->st_mode))
		(void)!fchmodat(dst_dir, name, st->st_mode & 07777, 0);
	(void)utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW);
}

static int
copy_entry(int src_dir, int dst_dir, const char *name)
{
	char target[4096];
	struct stat st;
	ssize_t n;
	int r = 0;

	if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		int s, d;

		if (mkdirat(dst_dir, name, 0700) < 0 && errno != EEXIST)
			return -errno;
		s = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = s < 0 || d < 0 ? -errno : copy_tree(s, d);
		if (s >= 0)
			close(s);
		if (d >= 0)
			close(d);
	} else if (S_ISREG(st.st_mode)) {
		r = copy_file(src_dir, dst_dir, name, &st);
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(src_dir, name, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		r = symlinkat(target, dst_dir, name) < 0 ? -errno : 0;
	} else {
		r = mknodat(dst_dir, name, st.st_mode, st.st_rdev) < 0 ? -errno : 0;
	}
	if (r == 0)
		copy_attrs(dst_dir, name, &st);
	return r;
}

int
copy_tree(int src_dir, int dst_dir)
{
	int fd = dup(src_dir), r = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((de = readdir(d)) && r == 0)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = copy_entry(src_dir, dst_dir, de->d_name);
	closedir(d);
	return r;
}

int
copy_tree_fill_empty(int src_dir, int tree_fd)
{
	/* open_tree gives an O_PATH fd: readdir needs a real one */
	int dst = openat(tree_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = dst < 0 ? -errno : fs_dir_is_empty(dst);

	if (r == 1)
		r = copy_tree(src_dir, dst);
	close(src_dir);
	if (dst >= 0)
		close(dst);
	return r < 0 ? r : 0;
}
