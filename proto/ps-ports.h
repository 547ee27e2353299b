/* lite ps's PORTS column (ps-ports.c). */
#pragma once

#include <jansson.h>
#include <stddef.h>

/* ps's "ports" ([{container_port, protocol[, host_ip, host_port]}]) as
 * Docker prints them, into buf (truncated to len). */
void ps_ports_format(json_t *ports, char *buf, size_t len);
