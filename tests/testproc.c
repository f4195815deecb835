/* testproc.c -- child processes for the multi-process tests. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testproc.h"

/* ---- time --------------------------------------------------------------- */

double test_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void test_nap_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* ---- children ----------------------------------------------------------- */

/* One line on stderr: "child PID: " fmt, then ": detail" if any. */
static void say_fail(const char *detail, const char *fmt, va_list ap)
{
    fprintf(stderr, "child %ld: ", (long)getpid());
    vfprintf(stderr, fmt, ap);
    if (detail != NULL)
        fprintf(stderr, ": %s", detail);
    fputc('\n', stderr);
    fflush(stderr); /* children leave by _exit, which flushes nothing */
}

int test_child_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_fail(NULL, fmt, ap);
    va_end(ap);
    return code;
}

int test_child_lib_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_fail(ndshm_errmsg(), fmt, ap);
    va_end(ap);
    return code;
}

pid_t test_fork(void)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
    return pid;
}

pid_t test_spawn_alarmed(test_child_fn fn, void *arg, unsigned alarm_s)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        if (alarm_s > 0)
            alarm(alarm_s);
        _exit(fn(arg));
    }
    return pid;
}

pid_t test_spawn(test_child_fn fn, void *arg)
{
    return test_spawn_alarmed(fn, arg, 0);
}

/* ---- waiting for children ----------------------------------------------- */

int test_wait(pid_t pid)
{
    int status;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    ck_assert_msg(got == pid, "waitpid: %s", strerror(errno));
    return status;
}

int test_reap(pid_t pid, int ms)
{
    double end = test_now() + ms / 1000.0;
    /* short naps first, for children about to end; then 1 ms at most */
    long nap = 100;
    for (;;) {
        int status;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        if (got < 0 && errno != EINTR)
            return -1;
        if (test_now() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        test_nap_us(nap);
        if (nap < 1000)
            nap *= 2;
    }
}

int test_exit_code(int status, const char *what)
{
    ck_assert_msg(!WIFSIGNALED(status), "%s died of signal %d (%s)", what,
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0,
                  WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "");
    ck_assert_msg(WIFEXITED(status), "%s did not exit", what);
    return WEXITSTATUS(status);
}

void test_exit_ok(int status, const char *what)
{
    int code = test_exit_code(status, what);
    ck_assert_msg(code == 0, "%s exited with status %d (see its stderr)", what,
                  code);
}

void test_wait_ok(pid_t pid, const char *what)
{
    test_exit_ok(test_wait(pid), what);
}

void test_reap_ok(pid_t pid, const char *what)
{
    int status = test_reap(pid, TEST_GUARD_MS);
    ck_assert_msg(status != -1, "%s hung (killed after %d ms)", what,
                  TEST_GUARD_MS);
    test_exit_ok(status, what);
}

void test_child_ok(test_child_fn fn, void *arg, const char *what)
{
    test_reap_ok(test_spawn(fn, arg), what);
}

bool test_killed_by(int status, int sig)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

void test_kill_and_reap(pid_t pid, const char *what)
{
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    int status = test_reap(pid, TEST_GUARD_MS);
    ck_assert_msg(status != -1 && test_killed_by(status, SIGKILL),
                  "%s did not die of SIGKILL", what);
}

/* ---- pipes: start barriers and acknowledgements ------------------------- */

void test_pipe(int fds[2])
{
    ck_assert_msg(pipe(fds) == 0, "pipe: %s", strerror(errno));
}

void test_pipe_close(int fds[2])
{
    close(fds[0]);
    close(fds[1]);
}

int test_send_byte(int fd)
{
    return write(fd, "!", 1) == 1 ? 0 : -1;
}

/* Wait at most ms (ms < 0: no limit) until fd is readable; 0 when it is. */
static int readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    int rc;
    while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
        ;
    return rc == 1 ? 0 : -1;
}

/* Read one byte from fd: 1, 0 at EOF, -1 on error. */
static ssize_t read_byte(int fd)
{
    char c;
    ssize_t n;
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    return n;
}

int test_wait_byte(int fd, int ms)
{
    return readable(fd, ms) == 0 && read_byte(fd) == 1 ? 0 : -1;
}

int test_wait_eof(int fd, int ms)
{
    return readable(fd, ms) == 0 && read_byte(fd) == 0 ? 0 : -1;
}

/* ---- the ndshm tool ----------------------------------------------------- */

const char *test_tool_path(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("NDSHM");
    if (env != NULL && *env != '\0')
        return env;
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
    if (n <= 0)
        return NULL;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (slash == NULL)
        return NULL;
    strcpy(slash, "/../tools/ndshm");
    return access(path, X_OK) == 0 ? path : NULL;
}

bool test_have_tool(const char *test)
{
    if (test_tool_path() != NULL)
        return true;
    fprintf(stderr, "%s: no ndshm tool (set NDSHM); not run\n", test);
    return false;
}

void test_tool_start(struct test_run *r, const char *dir,
                     const char *const *args)
{
    const char *tool = test_tool_path();
    ck_assert_msg(tool != NULL,
                  "the ndshm tool is not found: set $NDSHM to its path");
    const char *argv[16];
    int n = 0;
    argv[n++] = "ndshm";
    for (; *args != NULL; args++) {
        ck_assert_int_lt(n, 15);
        argv[n++] = *args;
    }
    argv[n] = NULL;
    int out[2], err[2];
    test_pipe(out);
    test_pipe(err);
    r->pid = test_fork();
    if (r->pid == 0) {
        if (dir != NULL)
            setenv("NDSHM_STORE", dir, 1);
        setenv("LC_ALL", "C", 1);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        execv(tool, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    r->out_fd = out[0];
    r->err_fd = err[0];
}

void test_tool_finish(struct test_run *r)
{
    size_t len[2] = {0, 0};
    char *buf[2] = {r->out, r->err};
    size_t cap = sizeof r->out;
    int fds[2] = {r->out_fd, r->err_fd};
    double end = test_now() + TEST_GUARD_S;
    while ((fds[0] >= 0 || fds[1] >= 0) && test_now() < end) {
        struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        if (poll(p, 2, 100) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < 2; k++) {
            if (fds[k] < 0 || !(p[k].revents & (POLLIN | POLLHUP)))
                continue;
            /* past the buffer, read on and drop: a run that cannot write
             * would block, or die of SIGPIPE */
            char spill[512];
            bool room = len[k] < cap - 1;
            ssize_t got = room
                              ? read(fds[k], buf[k] + len[k], cap - 1 - len[k])
                              : read(fds[k], spill, sizeof spill);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(fds[k]);
                fds[k] = -1;
            } else if (room) {
                len[k] += (size_t)got;
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        buf[k][len[k]] = '\0';
        if (fds[k] >= 0)
            close(fds[k]);
    }
    r->out_fd = r->err_fd = -1;
    /* both pipes closed: it is exiting, or hung past the guard */
    int status = test_reap(r->pid, 1000);
    r->status = status == -1        ? -1
                : WIFEXITED(status) ? WEXITSTATUS(status)
                                    : 128 + WTERMSIG(status);
}

void test_tool_run(struct test_run *r, const char *dir,
                   const char *const *args)
{
    test_tool_start(r, dir, args);
    test_tool_finish(r);
}

/* ---- stores, from a child ----------------------------------------------- */

ndshm_store *test_child_store(const char *dir)
{
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0) {
        test_child_lib_fail(0, "cannot open the store");
        return NULL;
    }
    return st;
}

ndshm_array *test_child_open(const char *dir, const char *expr, unsigned flags)
{
    ndshm_store *st = test_child_store(dir);
    if (st == NULL)
        return NULL;
    ndshm_array *a;
    if (ndshm_array_open(&a, st, expr, flags) != 0) {
        test_child_lib_fail(0, "cannot open '%s'", expr);
        a = NULL;
    }
    ndshm_store_close(st); /* the handle keeps what it needs */
    return a;
}

long test_waiters(const char *path)
{
    /* the control block is the data file's last page; the count, a u32,
     * is at offset 72 in it */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    uint32_t n = 0;
    long rc =
        fstat(fd, &sb) == 0 && pread(fd, &n, 4, sb.st_size - 4096 + 72) == 4
            ? (long)n
            : -1;
    close(fd);
    return rc;
}

int test_await_waiters(const char *path, long n, int ms)
{
    double end = test_now() + ms / 1000.0;
    while (test_waiters(path) < n) {
        if (test_now() > end)
            return -1;
        test_nap_us(100);
    }
    return 0;
}
