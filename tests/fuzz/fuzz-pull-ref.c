/* Harness: what `lite pull` parses before and during a pull: the image
 * reference a user types (image_pull_ref_parse) and the WWW-Authenticate
 * header a registry answers with (image_pull_auth_parse). */
#include "fuzz.h"

#include "image-pull.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct lite_err err = { 0 };
	struct pull_ref ref;
	struct pull_challenge ch;

	if (image_pull_ref_parse(s, &ref, &err) == 0) {
		FUZZ_ASSERT(ref.registry[0] != '\0' && ref.repo[0] != '\0');
		FUZZ_ASSERT(ref.tag[0] != '\0' || ref.digest[0] != '\0');
		(void)image_pull_ref_api_host(&ref);
		(void)image_pull_ref_is_local(&ref);
	}
	lite_err_clear(&err);
	if (image_pull_auth_parse(s, &ch) == 0)
		FUZZ_ASSERT(ch.scheme[0] != '\0');
	free(s);
	return 0;
}
