/* main() for a harness built without libFuzzer (gcc, the default build):
 * every file named on the command line, and every file in every directory
 * named, goes through LLVMFuzzerTestOneInput once, in name order, as TAP.
 * So the committed seed corpus (corpus/NAME/) runs as a meson test, and
 * under -Db_sanitize with ASan and UBSan watching. A crash fails the test.
 *
 *   usage: fuzz-NAME FILE|DIR... */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static int n_run;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		printf("not ok %d - %s: %s\n", ++n_run, path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	printf("ok %d - %s (%zu bytes)\n", ++n_run, path, len);
	fflush(stdout);
	return 0;
}

static int
run_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), r = 0;

	if (n < 0) {
		printf("not ok %d - %s: %s\n", ++n_run, dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			r |= run_file(path);
		free(ents[i]);
	}
	free(ents);
	return r;
}

int
main(int argc, char **argv)
{
	int r = 0;
	struct stat st;

	for (int i = 1; i < argc; i++)
		r |= stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
	printf("1..%d\n", n_run);
	return r || n_run == 0;
}
