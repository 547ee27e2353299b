/* Start-up reconciliation of what a killed daemon left (reconcile.c). */
#pragma once

struct daemon;

/* Before networks and containers are loaded: temp files of interrupted
 * writes, and container, network and volume dirs without valid state. */
void reconcile_store(struct daemon *d);
/* After ctr_restore_all: orphan shims killed with their cgroups and links,
 * live ones' init released, host state of stopped containers removed. */
void reconcile_processes(struct daemon *d);
