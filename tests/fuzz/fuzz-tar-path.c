/* Harness: the path of a tar entry, from an image layer or a `lite cp`
 * archive (image_path_tar_clean). What it accepts must stay below the
 * extraction root: relative, no "..", no "." and no empty components. */
#include "fuzz.h"

#include "image.h"

static void
check_clean(const char *p)
{
	FUZZ_ASSERT(p[0] != '/');
	for (const char *c = p; *c;) {
		size_t n = strcspn(c, "/");

		FUZZ_ASSERT(n > 0);
		FUZZ_ASSERT(!(n == 1 && c[0] == '.'));
		FUZZ_ASSERT(!(n == 2 && c[0] == '.' && c[1] == '.'));
		c += n;
		if (*c == '/') {
			c++;
			FUZZ_ASSERT(*c != '\0'); /* no trailing slash */
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *entry = fuzz_str(data, size);
	char buf[4096], small[16];

	if (image_path_tar_clean(entry, buf, sizeof(buf)) == 0) {
		FUZZ_ASSERT(strlen(buf) < sizeof(buf));
		check_clean(buf);
	}
	/* a short buffer must fail cleanly, never overflow */
	if (image_path_tar_clean(entry, small, sizeof(small)) == 0)
		check_clean(small);
	free(entry);
	return 0;
}
