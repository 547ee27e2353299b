/* Resident memory of long-lived processes that sit idle: the shim once
 * its container runs, the daemon between requests. Most of a fresh shim's
 * VmRSS is its own (static) text and read-only data, faulted in by the
 * one-off work of start-up: config parsing, rootfs preparation, clone,
 * seccomp; most of an idle daemon's is its libraries' text. Those pages are
 * clean copies of the files, so dropping them from our page tables loses
 * nothing: what runs next comes back on first use as a minor fault from
 * the page cache, shared with every other process. Only segments nobody
 * writes are dropped (not RW data, not RELRO, which relocation wrote), and
 * never the vDSO (the kernel's, not a file's). */
#include "text-trim.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

static uintptr_t page;

static void
drop(uintptr_t start, uintptr_t end, uintptr_t relro_start, uintptr_t relro_end)
{
	start = (start + page - 1) & ~(page - 1);
	end &= ~(page - 1);
	/* never a page that holds RELRO */
	relro_start &= ~(page - 1);
	relro_end = (relro_end + page - 1) & ~(page - 1);
	if (relro_end > relro_start && start < relro_end && end > relro_start) {
		if (start < relro_start)
			drop(start, relro_start, 0, 0);
		if (end > relro_end)
			drop(relro_end, end, 0, 0);
		return;
	}
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_DONTNEED);
}

static int
each_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t relro_start = 0, relro_end = 0;
	bool all = *(bool *)arg;

	if (info->dlpi_addr && info->dlpi_addr == (uintptr_t)getauxval(AT_SYSINFO_EHDR))
		return 0; /* the vDSO */
	/* the first object is the program itself */
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
			relro_start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			relro_end = relro_start + info->dlpi_phdr[i].p_memsz;
		}
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || ph->p_filesz != ph->p_memsz)
			continue;
		drop(info->dlpi_addr + ph->p_vaddr, info->dlpi_addr + ph->p_vaddr + ph->p_memsz, relro_start, relro_end);
	}
	return all ? 0 : 1; /* 1: stop after the program */
}

void
text_trim(bool all_objects)
{
	page = (uintptr_t)sysconf(_SC_PAGESIZE);
	(void)dl_iterate_phdr(each_object, &all_objects);
}
