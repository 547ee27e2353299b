/* The PORTS column of lite ps, in Docker's form: "0.0.0.0:8080->80/tcp",
 * consecutive ports as ranges ("0.0.0.0:8000-8002->80-82/tcp"), exposed
 * but unpublished ones as "443/tcp", joined by ", ". Pure, unit-tested in
 * tests/unit/test-ps-ports.c. In proto/ because both ends print it: the
 * client from ps's JSON, the daemon into ps's rows (ctr-ps-json.c). */
#include "ps-ports.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct port_row {
	const char *proto, *ip; /* ip NULL: exposed, not published */
	long long ctr, host;
};

static struct port_row
row_of(json_t *e)
{
	struct port_row r = { json_string_value(json_object_get(e, "protocol")),
			      json_string_value(json_object_get(e, "host_ip")),
			      json_integer_value(json_object_get(e, "container_port")),
			      json_integer_value(json_object_get(e, "host_port")) };

	if (!r.proto)
		r.proto = "tcp";
	return r;
}

/* b continues the range that ends with a */
static bool
follows(const struct port_row *a, const struct port_row *b)
{
	if (strcmp(a->proto, b->proto) != 0 || !a->ip != !b->ip || b->ctr != a->ctr + 1)
		return false;
	return !a->ip || (strcmp(a->ip, b->ip) == 0 && b->host == a->host + 1);
}

static size_t
put_range(char *buf, size_t len, long long lo, long long hi)
{
	return hi > lo ? (size_t)snprintf(buf, len, "%lld-%lld", lo, hi) : (size_t)snprintf(buf, len, "%lld", lo);
}

void
ps_ports_format(json_t *ports, char *buf, size_t len)
{
	size_t n = json_array_size(ports), off = 0, i = 0;

	if (!len)
		return;
	buf[0] = '\0';
	while (i < n && off < len) {
		struct port_row first = row_of(json_array_get(ports, i)), last = first, next;
		size_t j = i + 1;

		for (; j < n && (next = row_of(json_array_get(ports, j)), follows(&last, &next)); j++)
			last = next;
		if (i)
			off += (size_t)snprintf(buf + off, len - off, ", ");
		if (first.ip && off < len) {
			off += (size_t)snprintf(buf + off, len - off, "%s:", first.ip);
			off += off < len ? put_range(buf + off, len - off, first.host, last.host) : 0;
			off += off < len ? (size_t)snprintf(buf + off, len - off, "->") : 0;
		}
		off += off < len ? put_range(buf + off, len - off, first.ctr, last.ctr) : 0;
		off += off < len ? (size_t)snprintf(buf + off, len - off, "/%s", first.proto) : 0;
		i = j;
	}
}
