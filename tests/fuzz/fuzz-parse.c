/* Harness: the value parsers of common/ that take flags and request
 * params from users: sizes (--memory), CPU counts (--cpus), signals (kill
 * -s, --stop-signal), durations (--health-interval, --stop-timeout's
 * kin), --detach-keys and bounded integers. Each gets the same string. */
#include "fuzz.h"

#include "duration.h"
#include "parse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), buf[64];
	unsigned char keys[16];
	uint64_t u;
	int64_t ns;
	long long n;
	size_t nk;
	int sig;

	(void)parse_size(s, &u);
	if (parse_cpus(s, &u) == 0)
		FUZZ_ASSERT(u > 0);
	if (parse_signal(s, &sig) == 0) {
		FUZZ_ASSERT(sig > 0 && sig < 65);
		(void)parse_signal_name(sig);
	}
	if (duration_parse(s, &ns) == 0) {
		FUZZ_ASSERT(ns >= 0);
		duration_format(ns, buf, sizeof(buf));
	}
	if (parse_detach_keys(s, keys, sizeof(keys), &nk) == 0)
		FUZZ_ASSERT(nk <= sizeof(keys));
	if (parse_int_range(s, -5, 1000, &n) == 0)
		FUZZ_ASSERT(n >= -5 && n <= 1000);
	free(s);
	return 0;
}
