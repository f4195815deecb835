/*
 * forked.c -- handles do not cross fork(): a store or array handle opened
 * before fork() and used in the child is detected and refused with
 * NDSHM_EFORKED and a message saying to open again, instead of touching
 * the parent's LMDB environment (which would corrupt the catalog).
 *
 *  - in the child, every store call (create, create from a buffer, view,
 *    copy, remove, list, open, fsck, npy import) and the array calls that
 *    use the catalog or locks (stale, lock, unlock) return NDSHM_EFORKED,
 *    and change nothing;
 *  - what only touches the shared mapping still works on inherited
 *    handles: the data pointer, read, write, fill, version, notify and
 *    wait (both ways between parent and child), and close;
 *  - closing inherited handles and stores in the child does not disturb
 *    the parent: its locks stay held, its store and handles keep working;
 *  - a fresh ndshm_store_open in the child works fully, beside the
 *    inherited (refused) handles;
 *  - many children doing all of this, some while the parent is inside a
 *    catalog read transaction, leave the parent working and the store
 *    consistent (no damage to the parent's LMDB reader slots).
 *
 * Children report by exit status with a message on stderr; the parent
 * holds its handles across fork on purpose.  Every wait is bounded.
 */
#define _GNU_SOURCE
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
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ndshm.h"
#include "testutil.h"

/*
 * The library's test hook (lib/catalog.h, not included here because it
 * needs LMDB's header): called at named points, "read:begun" once a
 * catalog read transaction holds its reader slot.
 */
extern void (*ndshm__crash_hook)(const char *point);

#define GUARD_MS 20000 /* the hang guard for one step */
#define GUARD_S  (GUARD_MS / 1000.0)

enum { ROWS = 4, COLS = 8 };

/* ---- plumbing ----------------------------------------------------------- */

static int child_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "child %ld: ", (long)getpid());
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return code;
}

static int lib_fail(int code, const char *what)
{
    return child_fail(code, "%s: %s", what, ndshm_errmsg());
}

typedef int (*child_fn)(void *arg);

static pid_t spawn(child_fn fn, void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0)
        _exit(fn(arg));
    return pid;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

static int reap(pid_t pid, int ms)
{
    double end = now_s() + ms / 1000.0;
    for (;;) {
        int status;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        if (got < 0 && errno != EINTR)
            return -1;
        if (now_s() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        nap_us(1000);
    }
}

static void reap_ok(pid_t pid, const char *what)
{
    int status = reap(pid, GUARD_MS);
    ck_assert_msg(status != -1, "%s hung (killed after %d ms)", what,
                  GUARD_MS);
    ck_assert_msg(!WIFSIGNALED(status), "%s died of signal %d", what,
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "%s exited with status %d", what, WEXITSTATUS(status));
}

static void make_pipe(int fds[2])
{
    ck_assert_msg(pipe(fds) == 0, "pipe: %s", strerror(errno));
}

static void close_pipe(int fds[2])
{
    close(fds[0]);
    close(fds[1]);
}

static int send_byte(int fd)
{
    return write(fd, "!", 1) == 1 ? 0 : -1;
}

static int wait_byte(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    int rc;
    while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
        ;
    if (rc != 1)
        return -1;
    char c;
    return read(fd, &c, 1) == 1 ? 0 : -1;
}

static ndshm_array *open_ok(const char *expr, unsigned flags)
{
    ndshm_array *a;
    ck_assert_msg(ndshm_array_open(&a, test_st, expr, flags) == 0,
                  "open '%s': %s", expr, ndshm_errmsg());
    return a;
}

static volatile int64_t *elem(const ndshm_array *a, int64_t i, int64_t j)
{
    const int64_t *s = ndshm_array_strides(a);
    return (volatile int64_t *)((char *)ndshm_array_data(a) + i * s[0] +
                                j * s[1]);
}

static int data_files(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/data", test_dir);
    return test_count_entries(path);
}

/* The control block's count of waiters (docs/FORMAT.md); -1 on error. */
static long waiters_of(const char *path)
{
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

/* Wait (bounded) until someone waits on path's version; 0 when so. */
static int await_waiter(const char *path)
{
    double end = now_s() + GUARD_S;
    while (waiters_of(path) < 1) {
        if (now_s() > end)
            return -1;
        nap_us(100);
    }
    return 0;
}

/* The array "a" (int64, ROWS x COLS, a[i, j] = 10 i + j) and view v. */
static void make_a_and_v(void)
{
    const int64_t shape[2] = {ROWS, COLS};
    int64_t init[ROWS][COLS];
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            init[i][j] = 10 * i + j;
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "a", NDSHM_INT64,
                                                    2, shape, init, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:3]", 0), 0);
}

/* What the catalog names, as "a,v," in name order. */
static int append_name(const char *name, void *ctx)
{
    strcat(ctx, name);
    strcat(ctx, ",");
    return 0;
}

static void expect_names(const char *want)
{
    char got[4096] = "";
    ck_assert_int_eq(ndshm_list(test_st, append_name, got), 0);
    ck_assert_str_eq(got, want);
}

static void fsck_problem(const char *problem, int repaired, void *ctx)
{
    (void)repaired;
    (void)ctx;
    fprintf(stderr, "fsck: %s\n", problem);
}

static void expect_consistent(void)
{
    ck_assert_msg(ndshm_fsck(test_st, 0, fsck_problem, NULL) == 0, "fsck: %s",
                  ndshm_errmsg());
}

/* ---- in the child: the refusals ----------------------------------------- */

/* rc must be NDSHM_EFORKED with a message saying to open again. */
static int refused(int rc, const char *call)
{
    if (rc != NDSHM_EFORKED)
        return child_fail(2, "%s in a fork child gave %s, not EFORKED (%s)",
                          call, ndshm_errname(rc), ndshm_errmsg());
    const char *m = ndshm_errmsg();
    if (strstr(m, "open it again") == NULL || strstr(m, "fork") == NULL)
        return child_fail(3, "%s: EFORKED with the message '%s'", call, m);
    return 0;
}

static int count_name(const char *name, void *ctx)
{
    (void)name;
    ++*(int *)ctx;
    return 0;
}

struct inherited {
    ndshm_store *st;
    ndshm_array *a, *v, *ro, *row; /* "a", "v", "a" read-only, "a[3]" */
    const char *npy;               /* a .npy file to import */
};

/* Every catalog and lock call through inherited handles: refused. */
static int all_refused(const struct inherited *h, int tag)
{
    ndshm_store *st = h->st;
    const int64_t shape[1] = {3};
    const int64_t data[3] = {1, 2, 3};
    char name[32];
    snprintf(name, sizeof name, "child%d", tag);
    int calls = 0, rc = 0;
    ndshm_array *x = (ndshm_array *)&calls; /* must come back NULL */
#define REFUSED(call)                                                         \
    do {                                                                      \
        if (rc == 0)                                                          \
            rc = refused((call), #call);                                      \
    } while (0)
    REFUSED(ndshm_array_create(st, name, NDSHM_INT64, 1, shape, NULL, 0));
    REFUSED(ndshm_array_create(st, name, NDSHM_INT64, 1, shape, data, 0));
    REFUSED(ndshm_array_create_from_buffer(st, name, NDSHM_INT64, 1, shape,
                                           data, NULL, 0));
    REFUSED(ndshm_view_create(st, name, "a[0]", 0));
    REFUSED(ndshm_view_create(st, name, "v", NDSHM_READONLY));
    REFUSED(ndshm_copy(st, name, "a", 0));
    REFUSED(ndshm_remove(st, "a"));
    REFUSED(ndshm_remove(st, "v"));
    REFUSED(ndshm_list(st, count_name, &calls));
    REFUSED(ndshm_array_open(&x, st, "a", 0));
    if (rc == 0 && x != NULL)
        rc = child_fail(4, "a refused open left its handle set");
    REFUSED(ndshm_array_open(&x, st, "v[1]", NDSHM_READONLY));
    REFUSED(ndshm_fsck(st, 0, NULL, NULL));
    REFUSED(ndshm_fsck(st, NDSHM_FSCK_REPAIR, NULL, NULL));
    REFUSED(ndshm_npy_import(st, name, h->npy, 0));
    REFUSED(ndshm_array_stale(h->a));
    REFUSED(ndshm_array_stale(h->v));
    REFUSED(ndshm_array_stale(h->ro));
    REFUSED(ndshm_array_lock(h->a, NDSHM_LOCK_SHARED, 0));
    REFUSED(ndshm_array_lock(h->v, NDSHM_LOCK_EXCLUSIVE, 0));
    REFUSED(ndshm_array_lock(h->row, NDSHM_LOCK_EXCLUSIVE, -1));
    REFUSED(ndshm_array_lock(h->ro, NDSHM_LOCK_SHARED, 1.0));
    REFUSED(ndshm_array_unlock(h->a));
    REFUSED(ndshm_array_unlock(h->row));
#undef REFUSED
    if (rc == 0 && calls != 0)
        rc = child_fail(5, "a refused list called back %d times", calls);
    return rc;
}

static int refusing_child(void *arg)
{
    const struct inherited *h = arg;
    int rc = all_refused(h, 0);
    if (rc != 0)
        return rc;
    /* refused twice over: the first refusal changed nothing */
    if ((rc = all_refused(h, 1)) != 0)
        return rc;
    /* inherited handles can be closed */
    ndshm_array_close(h->a);
    ndshm_array_close(h->v);
    ndshm_array_close(h->ro);
    ndshm_array_close(h->row);
    ndshm_store_close(h->st);
    return 0;
}

/* The handles the tests carry across fork, opened in the parent. */
static struct inherited open_inherited(void)
{
    static char npy[PATH_MAX];
    struct inherited h;
    h.st = test_st;
    h.a = open_ok("a", 0);
    h.v = open_ok("v", 0);
    h.ro = open_ok("a", NDSHM_READONLY);
    h.row = open_ok("a[3]", 0);
    snprintf(npy, sizeof npy, "%s/../import.npy", test_dir);
    ck_assert_int_eq(ndshm_npy_export(h.a, npy, 0), 0);
    h.npy = npy;
    return h;
}

static void close_inherited(struct inherited *h)
{
    ndshm_array_close(h->a);
    ndshm_array_close(h->v);
    ndshm_array_close(h->ro);
    ndshm_array_close(h->row);
    unlink(h->npy);
}

START_TEST(catalog_and_lock_calls_refused)
{
    make_a_and_v();
    struct inherited h = open_inherited();
    /* a held lock is not the child's to release */
    ck_assert_int_eq(ndshm_array_lock(h.row, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    uint64_t v0 = ndshm_array_version(h.a);
    reap_ok(spawn(refusing_child, &h), "the child using inherited handles");
    /* nothing changed */
    expect_names("a,v,");
    ck_assert_int_eq(data_files(), 1);
    expect_consistent();
    ck_assert_uint_eq(ndshm_array_version(h.a), v0);
    /* the parent's handles work as before, its lock still held */
    ck_assert_int_eq(ndshm_array_stale(h.a), 0);
    ck_assert_int_eq(ndshm_array_stale(h.v), 0);
    ndshm_array *o = open_ok("a[3, 1:]", 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_SHARED, 0),
                     NDSHM_ETIMEDOUT);
    ck_assert_int_eq(ndshm_array_unlock(h.row), 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ndshm_array_close(o);
    ck_assert_int_eq(ndshm_npy_import(test_st, "imported", h.npy, 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "w", "imported[0]", 0), 0);
    expect_names("a,imported,v,w,");
    close_inherited(&h);
}
END_TEST

/* ---- in the child: what still works ------------------------------------- */

struct data_plan {
    struct inherited h;
    uint64_t v0;
    int ready[2]; /* child -> parent: waiting for the parent's fill */
    int step[2];  /* child -> parent: about to wait the other way */
};

static int data_child(void *arg)
{
    struct data_plan *p = arg;
    struct inherited *h = &p->h;
    /* the data pointer: the same shared memory */
    if (*elem(h->a, 2, 5) != 25 || *elem(h->v, 1, 5) != 25 ||
        *elem(h->ro, 2, 5) != 25)
        return child_fail(10, "inherited data pointers do not see a");
    *elem(h->a, 0, 0) = -1;
    /* read, write and fill */
    int64_t buf[2][COLS];
    if (ndshm_array_read(h->v, buf, NULL) != 0 || buf[0][3] != 13)
        return lib_fail(11, "read through an inherited handle");
    for (int j = 0; j < COLS; j++)
        buf[0][j] = buf[1][j] = 100 + j;
    if (ndshm_array_write(h->v, buf, NULL) != 0)
        return lib_fail(12, "write through an inherited handle");
    int64_t seven = 7;
    if (ndshm_array_fill(h->row, &seven) != 0)
        return lib_fail(13, "fill through an inherited handle");
    if (ndshm_array_write(h->ro, buf, NULL) != NDSHM_EREADONLY)
        return child_fail(14, "an inherited read-only handle wrote");
    /* version and notify */
    ndshm_array_notify(h->a);
    ndshm_array_notify(h->ro); /* read-only: no change */
    uint64_t v = ndshm_array_version(h->ro);
    if (v != p->v0 + 3)
        return child_fail(15, "version %llu after 3 changes from %llu",
                          (unsigned long long)v, (unsigned long long)p->v0);
    /* wait: nothing more yet, then the parent's fill wakes us */
    uint64_t now;
    if (ndshm_array_wait(h->ro, v, 0, &now) != NDSHM_ETIMEDOUT || now != v)
        return child_fail(16, "wait on an unchanged version returned");
    if (ndshm_array_wait(h->v, p->v0, 0, &now) != 0 || now != v)
        return child_fail(17, "wait on an old version did not return");
    if (send_byte(p->ready[1]) != 0)
        return child_fail(18, "cannot say ready");
    if (ndshm_array_wait(h->ro, v, GUARD_S, &now) != 0 || now != v + 1)
        return child_fail(19,
                          "the parent's fill did not wake the child "
                          "(%s, version %llu)",
                          ndshm_errmsg(), (unsigned long long)now);
    if (*elem(h->ro, 3, 0) != 8)
        return child_fail(20, "woke before the parent's fill");
    /* and the other way: the parent waits, the child notifies */
    if (send_byte(p->step[1]) != 0 || await_waiter(ndshm_array_path(h->a)))
        return child_fail(21, "the parent never came to wait");
    *elem(h->a, 3, 7) = 9;
    ndshm_array_notify(h->row);
    /* close works */
    ndshm_array_close(h->a);
    ndshm_array_close(h->v);
    ndshm_array_close(h->ro);
    ndshm_array_close(h->row);
    ndshm_store_close(h->st);
    return 0;
}

START_TEST(data_calls_work_in_child)
{
    make_a_and_v();
    struct data_plan p;
    p.h = open_inherited();
    p.v0 = ndshm_array_version(p.h.a);
    make_pipe(p.ready);
    make_pipe(p.step);
    pid_t pid = spawn(data_child, &p);
    ck_assert_int_eq(wait_byte(p.ready[0], GUARD_MS), 0);
    ck_assert_int_eq(await_waiter(ndshm_array_path(p.h.a)), 0);
    int64_t eight = 8;
    ck_assert_int_eq(ndshm_array_fill(p.h.row, &eight), 0);
    ck_assert_int_eq(wait_byte(p.step[0], GUARD_MS), 0);
    uint64_t now;
    ck_assert_int_eq(ndshm_array_wait(p.h.a, p.v0 + 4, GUARD_S, &now), 0);
    ck_assert_uint_eq(now, p.v0 + 5);
    reap_ok(pid, "the child using inherited data calls");
    /* what the child wrote is here */
    ck_assert_int_eq(*elem(p.h.a, 0, 0), -1);
    ck_assert_int_eq(*elem(p.h.a, 1, 4), 104);
    ck_assert_int_eq(*elem(p.h.a, 2, 7), 107);
    ck_assert_int_eq(*elem(p.h.a, 3, 7), 9);
    ck_assert_int_eq(*elem(p.h.a, 3, 6), 8);
    ck_assert_uint_eq(ndshm_array_version(p.h.ro), p.v0 + 5);
    /* the child's closes took nothing from the parent */
    ck_assert_int_eq(ndshm_array_stale(p.h.v), 0);
    int64_t buf[2][COLS];
    ck_assert_int_eq(ndshm_array_read(p.h.v, buf, NULL), 0);
    ck_assert_int_eq(buf[1][2], 102);
    close_pipe(p.ready);
    close_pipe(p.step);
    close_inherited(&p.h);
    expect_consistent();
}
END_TEST

/* ---- closing in the child leaves the parent alone ----------------------- */

/* Close everything inherited, then look at the parent's locks afresh. */
static int closing_child(void *arg)
{
    struct inherited *h = arg;
    ndshm_array_close(h->a);
    ndshm_array_close(h->v);
    ndshm_array_close(h->ro);
    ndshm_array_close(h->row);
    ndshm_store_close(h->st);
    ndshm_store *st;
    ndshm_array *r1, *r3, *r2;
    if (ndshm_store_open(&st, test_dir, 0) != 0 ||
        ndshm_array_open(&r1, st, "a[1]", 0) != 0 ||
        ndshm_array_open(&r3, st, "a[3]", 0) != 0 ||
        ndshm_array_open(&r2, st, "a[2]", 0) != 0)
        return lib_fail(30, "a fresh open in the child");
    /* the parent holds a[1] exclusively (through v) and a[3] shared */
    if (ndshm_array_lock(r1, NDSHM_LOCK_SHARED, 0) != NDSHM_ETIMEDOUT)
        return child_fail(31, "closing an inherited handle released the "
                              "parent's exclusive lock");
    if (ndshm_array_lock(r3, NDSHM_LOCK_EXCLUSIVE, 0) != NDSHM_ETIMEDOUT)
        return child_fail(32, "closing an inherited handle released the "
                              "parent's shared lock");
    if (ndshm_array_lock(r3, NDSHM_LOCK_SHARED, 0) != 0 ||
        ndshm_array_lock(r2, NDSHM_LOCK_EXCLUSIVE, 0) != 0)
        return lib_fail(33, "locks the parent does not hold");
    ndshm_array_close(r1);
    ndshm_array_close(r2);
    ndshm_array_close(r3);
    ndshm_store_close(st);
    return 0;
}

START_TEST(closing_in_child_leaves_the_parent_alone)
{
    make_a_and_v();
    struct inherited h = open_inherited();
    ndshm_array *r1 = open_ok("a[1]", 0);
    ck_assert_int_eq(ndshm_array_lock(r1, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ck_assert_int_eq(ndshm_array_lock(h.row, NDSHM_LOCK_SHARED, 0), 0);
    for (int k = 0; k < 3; k++)
        reap_ok(spawn(closing_child, &h), "the closing child");
    /* the parent's locks are still its own: it converts and releases them */
    ndshm_array *o = open_ok("a[1:]", 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_SHARED, 0),
                     NDSHM_ETIMEDOUT);
    ck_assert_int_eq(ndshm_array_lock(h.row, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ck_assert_int_eq(ndshm_array_unlock(r1), 0);
    ck_assert_int_eq(ndshm_array_unlock(h.row), 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ndshm_array_close(o);
    ndshm_array_close(r1);
    /* its store, handles and mappings work */
    ck_assert_int_eq(*elem(h.v, 1, 1), 21);
    *elem(h.a, 0, 1) = 5;
    ck_assert_int_eq(*elem(h.ro, 0, 1), 5);
    ck_assert_int_eq(ndshm_array_stale(h.a), 0);
    ck_assert_int_eq(ndshm_copy(test_st, "c", "v", 0), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(ndshm_array_stale(h.v), 1);
    expect_names("a,c,");
    expect_consistent();
    close_inherited(&h);
}
END_TEST

/* ---- a fresh store in the child ----------------------------------------- */

static int fresh_child(void *arg)
{
    struct inherited *h = arg;
    /* leave the inherited handles open: a careless child */
    ndshm_store *st, *st2;
    if (ndshm_store_open(&st, test_dir, 0) != 0 ||
        ndshm_store_open(&st2, test_dir, 0) != 0)
        return lib_fail(40, "a fresh store in the child");
    const int64_t shape[1] = {4};
    int64_t six = 6;
    ndshm_array *c, *a;
    int calls = 0;
    if (ndshm_array_create(st, "c", NDSHM_INT64, 1, shape, &six, 0) != 0 ||
        ndshm_view_create(st2, "cv", "c[::2]", 0) != 0 ||
        ndshm_copy(st, "cc", "cv", 0) != 0 ||
        ndshm_npy_import(st, "imp", h->npy, 0) != 0 ||
        ndshm_list(st2, count_name, &calls) != 0 || calls != 6)
        return lib_fail(41, "the catalog through a fresh store");
    if (ndshm_array_open(&c, st, "cv", 0) != 0 ||
        ndshm_array_open(&a, st2, "a", 0) != 0)
        return lib_fail(42, "open through a fresh store");
    if (ndshm_array_stale(c) != 0 || ndshm_array_stale(a) != 0)
        return child_fail(43, "fresh handles are stale");
    if (ndshm_array_lock(c, NDSHM_LOCK_EXCLUSIVE, 0) != 0 ||
        ndshm_array_unlock(c) != 0)
        return lib_fail(44, "lock through a fresh handle");
    /* the parent holds a[0]: a fresh handle in the child sees that */
    if (ndshm_array_lock(a, NDSHM_LOCK_SHARED, 0) != NDSHM_ETIMEDOUT)
        return child_fail(45, "the parent's lock of a[0] is not seen");
    if (*elem(a, 2, 2) != 22 || *elem(h->a, 2, 2) != 22)
        return child_fail(46, "a[2, 2] is not 22");
    *elem(a, 2, 2) = 222;
    ndshm_array_notify(a);
    if (*elem(h->a, 2, 2) != 222)
        return child_fail(49, "fresh and inherited handles do not share");
    if (ndshm_remove(st, "cc") != 0 || ndshm_fsck(st2, 0, NULL, NULL) != 0)
        return lib_fail(47, "remove and fsck through a fresh store");
    /* and the inherited ones are still refused beside it */
    if (refused(ndshm_array_stale(h->a), "stale") != 0 ||
        refused(ndshm_list(h->st, count_name, &calls), "list") != 0)
        return 48;
    ndshm_array_close(c);
    ndshm_array_close(a);
    ndshm_store_close(st);
    ndshm_store_close(st2);
    return 0;
}

START_TEST(fresh_store_in_child_works)
{
    make_a_and_v();
    struct inherited h = open_inherited();
    ndshm_array *r0 = open_ok("a[0]", 0);
    ck_assert_int_eq(ndshm_array_lock(r0, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    uint64_t v0 = ndshm_array_version(h.a);
    reap_ok(spawn(fresh_child, &h), "the child with a fresh store");
    ck_assert_int_eq(*elem(h.a, 2, 2), 222);
    ck_assert_uint_eq(ndshm_array_version(h.a), v0 + 1);
    expect_names("a,c,cv,imp,v,");
    ck_assert_int_eq(data_files(), 3);
    expect_consistent();
    ndshm_array *c = open_ok("cv", 0);
    ck_assert_int_eq(ndshm_array_size(c), 2);
    ck_assert_int_eq(*(volatile int64_t *)ndshm_array_data(c), 6);
    ndshm_array_close(c);
    ndshm_array_close(r0);
    close_inherited(&h);
}
END_TEST

/* ---- many children ------------------------------------------------------ */

enum { CHILDREN = 40, BATCH = 4 };

struct many {
    struct inherited h;
    int k;
};

/*
 * Child k: the refusals, a write and a notify through inherited handles,
 * then (for most) close them, and work through a fresh store: make and
 * remove names, keeping every fifth.
 */
static int many_child(void *arg)
{
    struct many *m = arg;
    struct inherited *h = &m->h;
    int rc = all_refused(h, m->k);
    if (rc != 0)
        return rc;
    ((volatile int64_t *)ndshm_array_data(h->row))[m->k % COLS] = m->k;
    ndshm_array_notify(h->row);
    if (m->k % 3) {
        ndshm_array_close(h->a);
        ndshm_array_close(h->v);
        ndshm_array_close(h->ro);
        ndshm_array_close(h->row);
        ndshm_store_close(h->st);
    }
    ndshm_store *st;
    if (ndshm_store_open(&st, test_dir, 0) != 0)
        return lib_fail(50, "a fresh store");
    char name[32];
    const int64_t shape[1] = {2};
    for (int n = 0; n < 10; n++) {
        snprintf(name, sizeof name, "k%d_%d", m->k, n);
        if (ndshm_array_create(st, name, NDSHM_INT8, 1, shape, NULL, 0) != 0)
            return lib_fail(51, "create");
        ndshm_array *x;
        if (ndshm_array_open(&x, st, name, 0) != 0 ||
            ndshm_array_stale(x) != 0)
            return lib_fail(52, "open");
        ndshm_array_close(x);
        if (n != 0 || m->k % 5 != 0)
            if (ndshm_remove(st, name) != 0)
                return lib_fail(53, "remove");
    }
    ndshm_store_close(st);
    return 0;
}

static pid_t reading_parent; /* the process whose reads start children */
static int reads_left;       /* how many of its reads start children */
static int next_k;           /* the next child's number */
static struct inherited hook_handles;

enum { PER_READ = 3 };

/*
 * Inside a catalog read transaction of the parent (its reader slot
 * taken), run whole children to the end, so that their closes and fresh
 * writes happen while the parent's snapshot is in use.
 */
static void fork_in_read(const char *point)
{
    if (strcmp(point, "read:begun") != 0 || getpid() != reading_parent ||
        reads_left == 0)
        return;
    reads_left--;
    for (int b = 0; b < PER_READ; b++) {
        static struct many m;
        m.h = hook_handles;
        m.k = next_k++;
        reap_ok(spawn(many_child, &m), "a child forked in a read");
    }
}

/* The names the store should hold: a, v, and kN_0 for N % 5 == 0. */
static void expect_kept(int children)
{
    int n = 0, want = 2;
    ck_assert_int_eq(ndshm_list(test_st, count_name, &n), 0);
    for (int k = 0; k < children; k += 5) {
        char name[32];
        snprintf(name, sizeof name, "k%d_0", k);
        ndshm_array *x = open_ok(name, NDSHM_READONLY);
        ndshm_array_close(x);
        want++;
    }
    ck_assert_int_eq(n, want);
}

START_TEST(many_children_leave_the_parent_working)
{
    make_a_and_v();
    struct many m;
    m.h = open_inherited();
    ndshm_array *r0 = open_ok("a[0]", 0);
    ck_assert_int_eq(ndshm_array_lock(r0, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    uint64_t v0 = ndshm_array_version(m.h.a);
    for (int base = 0; base < CHILDREN; base += BATCH) {
        pid_t pids[BATCH];
        for (int b = 0; b < BATCH; b++) {
            m.k = base + b;
            pids[b] = spawn(many_child, &m);
        }
        /* meanwhile the parent works as usual */
        char name[32];
        snprintf(name, sizeof name, "p%d", base);
        const int64_t shape[1] = {3};
        ck_assert_int_eq(
            ndshm_array_create(test_st, name, NDSHM_INT64, 1, shape, NULL, 0),
            0);
        ndshm_array *x = open_ok(name, 0);
        ck_assert_int_eq(ndshm_array_stale(x), 0);
        ck_assert_int_eq(ndshm_array_lock(x, NDSHM_LOCK_EXCLUSIVE, 0), 0);
        ndshm_array_close(x);
        ck_assert_int_eq(ndshm_remove(test_st, name), 0);
        ck_assert_int_eq(ndshm_array_stale(m.h.v), 0);
        for (int b = 0; b < BATCH; b++)
            reap_ok(pids[b], "a child");
    }
    expect_kept(CHILDREN);

    /* children run to the end while the parent is inside a read: two
     * reads (a stale check, an open), PER_READ children in each */
    hook_handles = m.h;
    reading_parent = getpid();
    reads_left = 2;
    next_k = CHILDREN;
    ndshm__crash_hook = fork_in_read;
    int stale = ndshm_array_stale(m.h.a);
    ndshm_array *x;
    int orc = ndshm_array_open(&x, test_st, "v[1]", NDSHM_READONLY);
    ndshm__crash_hook = NULL;
    ck_assert_int_eq(reads_left, 0);
    int children = next_k;
    /* what those reads saw was right */
    ck_assert_int_eq(stale, 0);
    ck_assert_msg(orc == 0, "open v[1]: %s", ndshm_errmsg());
    ck_assert_int_eq(*elem(x, 0, 0), 20);
    ndshm_array_close(x);

    /* the parent's store, handles and lock are intact */
    expect_kept(children);
    expect_consistent();
    ck_assert_int_eq(data_files(), 1 + (children + 4) / 5);
    ck_assert_uint_eq(ndshm_array_version(m.h.a), v0 + (uint64_t)children);
    for (int j = 0; j < COLS; j++) /* written by some child k, k % 8 == j */
        ck_assert_int_eq(
            ((volatile int64_t *)ndshm_array_data(m.h.row))[j] % COLS, j);
    ck_assert_int_eq(ndshm_array_stale(m.h.a), 0);
    ck_assert_int_eq(ndshm_array_stale(m.h.v), 0);
    ndshm_array *o = open_ok("a", 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_SHARED, 0),
                     NDSHM_ETIMEDOUT);
    ck_assert_int_eq(ndshm_array_unlock(r0), 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ndshm_array_close(o);
    ndshm_array_close(r0);
    ck_assert_int_eq(ndshm_remove(test_st, "k0_0"), 0);
    expect_consistent();
    close_inherited(&m.h);
}
END_TEST

static Suite *forked_suite(void)
{
    Suite *s = suite_create("forked");
    TCase *tc = test_store_tcase("fork", 60);
    tcase_add_test(tc, catalog_and_lock_calls_refused);
    tcase_add_test(tc, data_calls_work_in_child);
    tcase_add_test(tc, closing_in_child_leaves_the_parent_alone);
    tcase_add_test(tc, fresh_store_in_child_works);
    tcase_add_test(tc, many_children_leave_the_parent_working);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(forked_suite());
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
