/* Harness: what `lite pull` parses before and during a pull: the image
 * reference a user types (image_pull_ref_parse, and common/image-ref.c's
 * normalisation, which must be idempotent) and the WWW-Authenticate
 * header a registry answers with (image_pull_auth_parse). */
#include "fuzz.h"

#include "image-pull.h"
#include "image-ref.h"

#include <string.h>

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
	{
		struct image_ref r, again;
		char key[600], key2[600], full[600];

		if (image_ref_parse(s, &r, NULL) == 0 && image_ref_key(&r, key, sizeof(key)) == 0) {
			FUZZ_ASSERT(image_ref_parse(key, &again, NULL) == 0);
			FUZZ_ASSERT(image_ref_key(&again, key2, sizeof(key2)) == 0 && strcmp(key, key2) == 0);
			FUZZ_ASSERT(image_ref_full(&r, full, sizeof(full)) == 0);
			FUZZ_ASSERT(image_ref_normalize(full, key2, sizeof(key2)) == 0 && strcmp(key, key2) == 0);
		}
	}
	if (image_pull_auth_parse(s, &ch) == 0)
		FUZZ_ASSERT(ch.scheme[0] != '\0');
	free(s);
	return 0;
}
