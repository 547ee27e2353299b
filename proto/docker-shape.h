/* lite's inspect replies (proto/PROTOCOL.md: inspect, image_inspect,
 * volume_inspect, network_inspect) in Docker's shape: the objects
 * `docker inspect` prints and its --format templates see (Id, State.Status,
 * NetworkSettings.Networks, Mounts, ...). Pure, so the client (lite
 * inspect) and a Docker Engine API in the daemon can share it; fields lite
 * does not have get Docker's zero values. Unit-tested in
 * tests/unit/test-docker-shape.c. */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Unix seconds (and nanoseconds) as Go's RFC 3339 with nanoseconds:
 * "2024-05-01T10:11:12.5Z" (trailing zeros trimmed, as Go prints), and
 * Go's zero time "0001-01-01T00:00:00Z" for 0. */
void docker_shape_time(int64_t sec, long nsec, char *buf, size_t len);

/* New objects; the input is not changed. NULL only when out of memory. */
json_t *docker_shape_container(json_t *lite);
json_t *docker_shape_image(json_t *lite);
json_t *docker_shape_volume(json_t *lite);
json_t *docker_shape_network(json_t *lite);
