/* testproc.h -- child processes for the multi-process tests. */
#ifndef NDSHM_TESTPROC_H
#define NDSHM_TESTPROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "ndshm.h"

/*
 * The hang guard of one step (waiting for a child, a byte on a pipe, a
 * waiter to come): far longer than any step takes, so that it only turns
 * a hang into a failure and never decides an ordering.
 */
#define TEST_GUARD_MS 20000
#define TEST_GUARD_S  (TEST_GUARD_MS / 1000.0)

/* ---- time --------------------------------------------------------------- */

/* Seconds on the monotonic clock. */
double test_now(void);

/* Sleep for us microseconds (less if a signal comes). */
void test_nap_us(long us);

/* ---- children ----------------------------------------------------------- */

/*
 * In a child, which reports by its exit status and one line on stderr
 * (never through check, which belongs to the parent): write "child PID: "
 * and the message as that line, and return code for the child to exit
 * with, as in "return test_child_fail(12, "no go");".
 */
int test_child_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same after a library call failed: the line ends in ndshm_errmsg(). */
int test_child_lib_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * fork(), with stdio flushed first so that the child does not write the
 * parent's buffered output a second time.  Fails the test if fork fails.
 */
pid_t test_fork(void);

/* What a child runs: its return value is the child's exit status. */
typedef int (*test_child_fn)(void *arg);

/*
 * Fork a child that runs fn(arg) and exits with what it returns.  arg may
 * point into the caller's stack: the child has its own copy.
 */
pid_t test_spawn(test_child_fn fn, void *arg);

/*
 * The same, with alarm(alarm_s) armed in the child first, for children
 * that hold no bounded waits of their own: a hung child is ended by
 * SIGALRM instead of hanging the test until its case's timeout.  (Under
 * check's fork mode the child inherits check's SIGALRM handler, which
 * ends the whole test with SIGKILL: the test fails either way.)
 */
pid_t test_spawn_alarmed(test_child_fn fn, void *arg, unsigned alarm_s);

/* ---- waiting for children ----------------------------------------------- */

/*
 * Wait for child pid, with no limit; its wait status.  Fails the test if
 * waitpid fails.  For children bounded otherwise (an alarm, their own
 * bounded waits).
 */
int test_wait(pid_t pid);

/*
 * Wait for child pid for at most ms milliseconds; its wait status, or -1
 * if it had to be killed (SIGKILL, then reaped) or waitpid failed.
 */
int test_reap(pid_t pid, int ms);

/*
 * The exit status of a child whose wait status is status; fails the test,
 * naming the signal, if it died of one.  what names the child in
 * messages, as in "the writer".
 */
int test_exit_code(int status, const char *what);

/* Fails the test unless status says the child exited with status 0. */
void test_exit_ok(int status, const char *what);

/* test_wait, then test_exit_ok. */
void test_wait_ok(pid_t pid, const char *what);

/* test_reap within TEST_GUARD_MS (a hang fails the test), then
 * test_exit_ok. */
void test_reap_ok(pid_t pid, const char *what);

/* Run fn(arg) in a child and require it to exit 0: test_spawn, then
 * test_reap_ok. */
void test_child_ok(test_child_fn fn, void *arg, const char *what);

/* Whether status says the child died of signal sig. */
bool test_killed_by(int status, int sig);

/* SIGKILL child pid and reap it (within TEST_GUARD_MS); fails the test
 * unless it died of that SIGKILL. */
void test_kill_and_reap(pid_t pid, const char *what);

/* ---- pipes: start barriers and acknowledgements ------------------------- */

/* pipe(), failing the test if it fails. */
void test_pipe(int fds[2]);

/* Close both ends of a pipe. */
void test_pipe_close(int fds[2]);

/* Write one byte to fd (a "ready", a "go", an acknowledgement); 0 when it
 * went, -1 when not.  Usable in children. */
int test_send_byte(int fd);

/* Wait at most ms milliseconds (ms < 0: no limit) for one byte on fd and
 * read it; 0 when it came, -1 when not.  Usable in children. */
int test_wait_byte(int fd, int ms);

/*
 * Wait at most ms milliseconds (ms < 0: no limit) until every write end of
 * the pipe whose read end is fd is closed: a start gun that fires for all
 * waiting children at once when the parent closes its end (each child
 * closes its own copy of the write end first).  0 when it fired, -1 when
 * not (or when a byte came instead).
 */
int test_wait_eof(int fd, int ms);

/* ---- the ndshm tool ----------------------------------------------------- */

/*
 * The tool: $NDSHM (make check sets it), else tools/ndshm beside this
 * program's tests/ directory (running a test by hand in the build tree);
 * NULL when neither is there.
 */
const char *test_tool_path(void);

/*
 * Whether the tool is there; when not, says on stderr that test (its name)
 * is not run, for "if (!test_have_tool("cli_x")) return;".
 */
bool test_have_tool(const char *test);

/* A run of the tool, and how it ended. */
struct test_run {
    pid_t pid;
    int out_fd, err_fd; /* while it runs */
    /* its exit status; 128 + N when signal N ended it; -1 when it hung
     * and was killed */
    int status;
    /* what it printed on stdout and stderr (the start, if more) */
    char out[4096], err[4096];
};

/*
 * Start "ndshm ARGS..." (args NULL-terminated, at most 14) in the locale
 * C, on the store at dir by $NDSHM_STORE (unless dir is NULL), its stdout
 * and stderr on pipes.  Fails the test when there is no tool.
 */
void test_tool_start(struct test_run *r, const char *dir,
                     const char *const *args);

/* Collect what the run prints until it exits; TEST_GUARD_MS at most. */
void test_tool_finish(struct test_run *r);

/* test_tool_start, then test_tool_finish. */
void test_tool_run(struct test_run *r, const char *dir,
                   const char *const *args);

/* ---- stores, from a child ----------------------------------------------- */

/* In a child: the store at dir, or NULL after a line on stderr. */
ndshm_store *test_child_store(const char *dir);

/*
 * In a child: expr opened in the store at dir, which is closed again (the
 * handle keeps what it needs); NULL after a line on stderr when it does
 * not open.
 */
ndshm_array *test_child_open(const char *dir, const char *expr,
                             unsigned flags);

/*
 * How many processes wait on the version of the data file at path now:
 * the waiters count of its control block (docs/FORMAT.md); -1 when it
 * cannot be read.  Whether a waiter sleeps is read here, so that no step
 * of a test depends on timing.
 */
long test_waiters(const char *path);

/* Wait at most ms milliseconds until at least n processes wait on the
 * version of path; 0 when they do, -1 when not.  Usable in children. */
int test_await_waiters(const char *path, long n, int ms);

#endif
