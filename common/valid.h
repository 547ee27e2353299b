/* Validators of the names and ids users give: container and network names,
 * image references, full ids, environment entries. Pure predicates, unit-
 * tested. */
#pragma once

#include <stdbool.h>

/* Docker's container-name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128. */
bool valid_name(const char *s);
/* Image reference "name[:tag]" in Docker's grammar (common/image-ref.h),
 * no digest: what a tag may be. */
bool valid_image_ref(const char *s);
/* 64 lowercase hex digits. */
bool valid_full_id(const char *s);
/* "K=V" with a non-empty key without '='. */
bool valid_env(const char *s);
