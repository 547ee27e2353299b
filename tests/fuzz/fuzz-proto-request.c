/* Harness: one request line as a client sends it (proto_request_parse, the
 * daemon's first look at every line, and the typed getters its handlers
 * then use), the stdio frame header decoder and the UTF-8 scrubber: all of
 * them see bytes from outside. */
#include "fuzz.h"

#include "frame.h"
#include "proto.h"

/* The SIZE, CPUS and SIGNAL params of a valid request, as handlers read them. */
static void
typed_params(const struct proto_request *req)
{
	size_t n;
	const struct proto_param *p = proto_params(&n);
	uint64_t u;
	int sig;

	for (size_t i = 0; i < n; i++) {
		if (p[i].method != req->method || !json_object_get(req->params, p[i].field))
			continue;
		if (p[i].type == PT_SIZE)
			(void)proto_get_size(req->params, p[i].field, &u);
		else if (p[i].type == PT_CPUS && proto_get_cpus(req->params, p[i].field, &u) == 0)
			FUZZ_ASSERT(u > 0);
		else if (p[i].type == PT_SIGNAL && proto_get_signal(req->params, p[i].field, &sig) == 0)
			FUZZ_ASSERT(sig > 0 && sig < 65);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_request req;
	struct proto_error err = { 0 };
	json_t *id = NULL, *j;
	enum frame_stream stream;
	uint32_t len;
	char *s;

	if (proto_request_parse((const char *)data, size, &req, &id, &err) == 0) {
		FUZZ_ASSERT(req.method < PROTO_M_MAX);
		FUZZ_ASSERT(json_is_object(req.params));
		typed_params(&req);
		proto_request_release(&req);
	} else {
		FUZZ_ASSERT(err.code != 0 && err.kind[0] != '\0');
		free(proto_error_line(id, &err)); /* the reply echoes parts of the input */
	}
	json_decref(id);
	if (size >= FRAME_HDR_LEN && frame_header_decode(data, &stream, &len) == 0)
		FUZZ_ASSERT(stream < FRAME_STREAM_MAX && len <= FRAME_MAX_PAYLOAD);
	/* scrubbed text is valid UTF-8: jansson takes it as a string */
	s = fuzz_str(data, size);
	proto_utf8_sanitize(s);
	j = json_string(s);
	FUZZ_ASSERT(j != NULL);
	json_decref(j);
	free(s);
	return 0;
}
