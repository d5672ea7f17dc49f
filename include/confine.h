/* confine.h — kaa-fcgi's processes restrict themselves (seccomp).
 *
 * Once a worker or the writer has set itself up, it installs a seccomp
 * filter that allows only the system calls it needs from then on: sockets it
 * already has, the inbox files (SQLite), memory, time, randomness; the
 * writer also threads. Everything else — executing a program, new sockets,
 * ptrace, mounts, changing users — fails with EPERM, and exec or ptrace
 * ends the process. An attacker who takes a worker through a bug gets a
 * process that can talk to nginx, the writer and the inbox files, and
 * nothing more. Built with -DKAA_NO_SECCOMP (make SECCOMP=0, e.g. for
 * valgrind, which cannot run filtered code) confine() does nothing. */
#ifndef KAA_CONFINE_H
#define KAA_CONFINE_H

enum confine_role {
	CONFINE_WORKER,
	CONFINE_WRITER
};

/* Builds both roles' filters, once: the master calls it before it forks,
 * so a new worker or writer only installs its filter. Returns 0, or -1 if
 * libseccomp could not build them. */
int confine_prepare(void);

/* Installs the role's filter (and no_new_privs), building it first if
 * confine_prepare has not. Returns 0, or -1 if it could not be built or
 * the kernel refused it (the caller should not go on unconfined). */
int confine(enum confine_role role);

/* 1 if this build confines its processes. */
int confine_enabled(void);

#endif
