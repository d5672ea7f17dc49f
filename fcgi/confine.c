/* confine.c — the seccomp filters of kaa-fcgi's workers and writer (see
 * confine.h). The lists come from tracing the processes through the
 * integration tests (strace -f): what a worker does after its setup, and
 * what the writer and its threads do. */
#define _GNU_SOURCE      /* memfd_create */
#include "confine.h"

#ifdef KAA_NO_SECCOMP

int confine_prepare(void)
{
	return 0;
}

int confine(enum confine_role role)
{
	(void)role;
	return 0;
}

int confine_enabled(void)
{
	return 0;
}

#else

#include <errno.h>
#include <linux/filter.h>
#include <linux/sched.h>   /* CLONE_THREAD */
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Both roles: their sockets, SQLite on the inbox files, memory, time,
 * randomness, signals they keep blocked, and ending. */
static const char *const common[] = {
	"read", "write", "pread64", "pwrite64", "readv", "writev", "close",
	"openat", "newfstatat", "fstat", "lseek", "fcntl", "ftruncate",
	"readlink", "getcwd", "fchown", "geteuid", "getuid",
	"getpid", "getppid", "gettid", "poll", "ppoll", "select", "pselect6",
	"recvfrom", "recvmsg", "sendto", "sendmsg", "shutdown", "getrandom",
	"brk", "mmap", "munmap", "mremap", "madvise", "mprotect",
	"clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday",
	"rt_sigprocmask", "rt_sigpending", "rt_sigreturn", "restart_syscall",
	"futex", "exit", "exit_group",
};
/* A worker takes connections and sets their timeouts; it reads the inboxes
 * (receipts), never removes or syncs a file. */
static const char *const worker_only[] = {
	"accept", "accept4", "setsockopt", "epoll_ctl", "epoll_wait", "epoll_pwait",
};
/* The writer starts its lanes: threads only (clone with CLONE_THREAD,
 * below), and what a new thread sets up; it commits (fsync), looks at the
 * room left (statfs), and SQLite removes the WAL when it closes. */
static const char *const writer_only[] = {
	"set_robust_list", "rseq", "signalfd4", "sched_yield", "prlimit64",
	"fsync", "fdatasync", "unlink", "statfs", "fstatfs",
};
/* Never: the end of the process, not an error to handle. */
static const char *const fatal[] = {
	"execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev",
};

static int allow(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	size_t i;
	int nr;

	for (i = 0; i < n; i++)
		if ((nr = seccomp_syscall_resolve_name(names[i])) != __NR_SCMP_ERROR &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
			return -1;
	return 0;
}

static int kill_on(scmp_filter_ctx ctx)
{
	size_t i;

	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
		    seccomp_syscall_resolve_name(fatal[i]), 0) != 0)
			return -1;
	return 0;
}

/* Threads, not processes: clone only with CLONE_THREAD; clone3 (whose
 * flags a filter cannot see) answers ENOSYS, and glibc then uses clone. */
static int threads_only(scmp_filter_ctx ctx)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0)
		return -1;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The role's filter as libseccomp builds it. NULL if it cannot. */
static scmp_filter_ctx build(enum confine_role role)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = ctx == NULL ? -1 : 0;

	if (rc == 0)
		rc = allow(ctx, common, N(common));
	if (rc == 0)
		rc = kill_on(ctx);
	if (rc == 0 && role == CONFINE_WORKER)
		rc = allow(ctx, worker_only, N(worker_only));
	if (rc == 0 && role == CONFINE_WRITER)
		rc = allow(ctx, writer_only, N(writer_only));
	if (rc == 0 && role == CONFINE_WRITER)
		rc = threads_only(ctx);
	if (rc != 0 && ctx != NULL) {
		seccomp_release(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* Each role's BPF program, built once by confine_prepare: a forked worker
 * then only hands it to the kernel, and never runs libseccomp (whose
 * allocations and code would otherwise be copied into every worker). */
static struct sock_fprog progs[CONFINE_WRITER + 1];

/* ctx's program into progs[role], through an anonymous memory file. */
static int export(scmp_filter_ctx ctx, enum confine_role role)
{
	int fd = memfd_create("kaa-seccomp", MFD_CLOEXEC);
	struct sock_filter *code = NULL;
	off_t len = -1;

	if (fd >= 0 && seccomp_export_bpf(ctx, fd) == 0 &&
	    (len = lseek(fd, 0, SEEK_END)) > 0 &&
	    len % (off_t)sizeof(*code) == 0 && len / (off_t)sizeof(*code) <= 0xffff &&
	    (code = malloc((size_t)len)) != NULL &&
	    pread(fd, code, (size_t)len, 0) != (ssize_t)len) {
		free(code);
		code = NULL;
	}
	if (fd >= 0)
		close(fd);
	if (code == NULL)
		return -1;
	progs[role].filter = code;
	progs[role].len = (unsigned short)(len / (off_t)sizeof(*code));
	return 0;
}

int confine_prepare(void)
{
	enum confine_role r;
	scmp_filter_ctx ctx;
	int rc = 0;

	for (r = CONFINE_WORKER; r <= CONFINE_WRITER && rc == 0; r++) {
		if (progs[r].filter != NULL)
			continue;
		if ((ctx = build(r)) == NULL)
			return -1;
		rc = export(ctx, r);
		seccomp_release(ctx);
	}
	return rc;
}

int confine(enum confine_role role)
{
	if (confine_prepare() != 0)
		return -1;
	/* as libseccomp's seccomp_load: no_new_privs first, which lets a
	 * process without CAP_SYS_ADMIN install a filter */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &progs[role]) == 0 ? 0 : -1;
}

int confine_enabled(void)
{
	return 1;
}

#endif
