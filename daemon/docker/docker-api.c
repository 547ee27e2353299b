/* lite-docker-api: what every endpoint handler shares (docker-api.h):
 * lite's errors as Docker's replies, and the common case of one lite
 * request whose result, reshaped, is the reply. */
#include "docker-api.h"

int
api_fail(struct api *a, const struct docker_err *err)
{
	http_send_error(a->c, err->status, "%s", err->msg);
	return 0;
}

int
api_call_reply(struct api *a, const char *method, json_t *params, int status, json_t *(*shape)(json_t *result))
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call(method, params, &res, &err) < 0)
		return api_fail(a, &err);
	if (shape) {
		json_t *s = shape(res);

		json_decref(res);
		res = s;
	}
	if (status == 204 || status == 304) {
		json_decref(res);
		http_send(a->c, status, NULL, NULL, 0);
		return 0;
	}
	http_send_json(a->c, status, res ? res : json_object());
	return 0;
}
