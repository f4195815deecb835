/*
 * removal.c -- names that change under open handles, with real processes.
 * A handle keeps reading and writing valid memory whatever another process
 * does to its name, and ndshm_array_stale tells whether the name still
 * means the data the handle opened:
 *
 *  - an array removed while open: every handle (of the array, of an
 *    expression over it, read-only) still reads, writes, notifies and
 *    waits, two processes still share it, and all of them are stale; the
 *    name and the data file are gone;
 *  - a name removed and created again is a new array: stale, a new id
 *    (also in 'ndshm info'), and the old handle still sees the old data
 *    while its writes never reach the new array;
 *  - views keep a removed base's data alive, for handles opened before and
 *    after, until the last name goes;
 *  - stale is 0 while the name is untouched, whatever else changes; a view
 *    re-created with another window, or over another array, is stale;
 *  - many remove/re-create cycles by concurrent processes while others
 *    open, hold, read and write: no crash, no foreign data, staleness
 *    never goes back, ids never go back, and the store is consistent at
 *    the end with no data file left over.
 *
 * Children open their own handles after fork and report by exit status
 * with a message on stderr; every wait is bounded (a hang guard).
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
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
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
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

static void expect_absent(const char *name)
{
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, name, 0), NDSHM_ENOTFOUND);
    ck_assert_ptr_null(a);
}

/* Create name as int64 (ROWS, COLS) with every element fill. */
static void make_filled(ndshm_store *st, const char *name, int64_t fill)
{
    const int64_t shape[2] = {ROWS, COLS};
    ck_assert_msg(
        ndshm_array_create(st, name, NDSHM_INT64, 2, shape, &fill, 0) == 0,
        "create %s: %s", name, ndshm_errmsg());
}

static volatile int64_t *elem(const ndshm_array *a, int64_t i, int64_t j)
{
    const int64_t *s = ndshm_array_strides(a);
    return (volatile int64_t *)((char *)ndshm_array_data(a) + i * s[0] +
                                j * s[1]);
}

/* Every element of a 2-d int64 window equals want. */
static void expect_all(const ndshm_array *a, int64_t want)
{
    const int64_t *sh = ndshm_array_shape(a);
    ck_assert_int_eq(ndshm_array_ndim(a), 2);
    for (int64_t i = 0; i < sh[0]; i++)
        for (int64_t j = 0; j < sh[1]; j++)
            ck_assert_msg(*elem(a, i, j) == want,
                          "%s[%lld, %lld] is %lld, not %lld",
                          ndshm_array_name(a), (long long)i, (long long)j,
                          (long long)*elem(a, i, j), (long long)want);
}

static void expect_stale(const ndshm_array *a, int want)
{
    int rc = ndshm_array_stale(a);
    ck_assert_msg(rc == want, "stale('%s' #%" PRIu64 ") is %d, not %d (%s)",
                  ndshm_array_name(a), ndshm_array_id(a), rc, want,
                  rc < 0 ? ndshm_errmsg() : "");
}

static int data_files(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/data", test_dir);
    return test_count_entries(path);
}

/* Run fn in another process and require it to succeed. */
static void in_other_process(child_fn fn, void *arg, const char *what)
{
    reap_ok(spawn(fn, arg), what);
}

/* Children: a store of their own on the test's directory. */
static ndshm_store *child_store(void)
{
    ndshm_store *st;
    if (ndshm_store_open(&st, test_dir, 0) != 0) {
        lib_fail(0, "cannot open the store");
        return NULL;
    }
    return st;
}

/* Remove the names in arg (a NULL-terminated list) in another process. */
static int remover(void *arg)
{
    const char *const *names = arg;
    ndshm_store *st = child_store();
    if (st == NULL)
        return 10;
    for (; *names; names++)
        if (ndshm_remove(st, *names) != 0)
            return child_fail(11, "remove %s: %s", *names, ndshm_errmsg());
    ndshm_store_close(st);
    return 0;
}

static void remove_elsewhere(const char *const *names)
{
    in_other_process(remover, (void *)names, "the remover");
}

/* ---- removed while open ------------------------------------------------- */

struct partner {
    int ready[2];   /* partner -> test: opened */
    int removed[2]; /* test -> partner: the name is gone */
    int wrote[2];   /* partner -> test: a[3, 7] = 77 written */
};

/* Holds "a" across its removal; writes into it and sees the test's write. */
static int partner(void *arg)
{
    struct partner *p = arg;
    ndshm_store *st = child_store();
    ndshm_array *a;
    if (st == NULL || ndshm_array_open(&a, st, "a", 0) != 0)
        return lib_fail(20, "open a");
    if (send_byte(p->ready[1]) != 0 || wait_byte(p->removed[0], GUARD_MS) != 0)
        return child_fail(21, "no word of the removal");
    if (ndshm_array_stale(a) != 1)
        return child_fail(22, "stale is %d after the removal",
                          ndshm_array_stale(a));
    ndshm_array *again;
    if (ndshm_array_open(&again, st, "a", 0) != NDSHM_ENOTFOUND)
        return child_fail(23, "a opens after its removal");
    if (*elem(a, 0, 0) != 5)
        return child_fail(24, "a[0, 0] is %lld", (long long)*elem(a, 0, 0));
    uint64_t seen = ndshm_array_version(a);
    *elem(a, 3, 7) = 77;
    ndshm_array_notify(a);
    seen++;
    if (send_byte(p->wrote[1]) != 0)
        return child_fail(25, "cannot say wrote");
    /* the test fills rows 1-2 with 88 through an expression handle */
    uint64_t v;
    if (ndshm_array_wait(a, seen, GUARD_S, &v) != 0)
        return lib_fail(26, "wait on the removed array");
    for (int j = 0; j < COLS; j++)
        if (*elem(a, 1, j) != 88 || *elem(a, 2, j) != 88)
            return child_fail(27, "row 1 or 2 is not 88 at column %d", j);
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

START_TEST(removed_while_open)
{
    make_filled(test_st, "a", 5);
    ndshm_array *ha = open_ok("a", 0), *hx = open_ok("a[1:3]", 0),
                *hr = open_ok("a", NDSHM_READONLY);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", ndshm_array_path(ha));
    expect_stale(ha, 0);
    expect_stale(hx, 0);
    expect_stale(hr, 0);
    struct partner p;
    make_pipe(p.ready);
    make_pipe(p.removed);
    make_pipe(p.wrote);
    pid_t pp = spawn(partner, &p);
    ck_assert_int_eq(wait_byte(p.ready[0], GUARD_MS), 0);

    remove_elsewhere((const char *const[]){"a", NULL});
    expect_absent("a");
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(data_files(), 0);
    expect_stale(ha, 1);
    expect_stale(hx, 1);
    expect_stale(hr, 1);
    expect_all(ha, 5);
    expect_all(hr, 5);

    /* the two processes still share the data */
    ck_assert_int_eq(send_byte(p.removed[1]), 0);
    ck_assert_int_eq(wait_byte(p.wrote[0], GUARD_MS), 0);
    ck_assert_int_eq(*elem(ha, 3, 7), 77);
    ck_assert_int_eq(*elem(hr, 3, 7), 77);
    int64_t v88 = 88;
    ck_assert_int_eq(ndshm_array_fill(hx, &v88), 0);
    reap_ok(pp, "the partner");
    expect_all(hx, 88);

    /* library reads and writes, through every handle */
    int64_t buf[ROWS][COLS];
    ck_assert_int_eq(ndshm_array_read(hr, buf, NULL), 0);
    ck_assert_int_eq(buf[0][0], 5);
    ck_assert_int_eq(buf[1][4], 88);
    ck_assert_int_eq(buf[3][7], 77);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            buf[i][j] = i * COLS + j;
    ck_assert_int_eq(ndshm_array_write(ha, buf, NULL), 0);
    ck_assert_int_eq(*elem(hr, 2, 3), 2 * COLS + 3);
    ck_assert_int_eq(*elem(hx, 0, 1), COLS + 1);
    ck_assert_int_eq(ndshm_array_write(hr, buf, NULL), NDSHM_EREADONLY);
    /* still stale, and nothing came back */
    expect_stale(ha, 1);
    expect_absent("a");
    ck_assert_int_eq(data_files(), 0);
    close_pipe(p.ready);
    close_pipe(p.removed);
    close_pipe(p.wrote);
    ndshm_array_close(ha);
    ndshm_array_close(hx);
    ndshm_array_close(hr);
}
END_TEST

/* ---- created again ------------------------------------------------------ */

/* Remove a and create it again, smaller and holding 3. */
static int recreator(void *arg)
{
    (void)arg;
    ndshm_store *st = child_store();
    if (st == NULL)
        return 30;
    const int64_t shape[2] = {2, 3};
    int64_t three = 3;
    if (ndshm_remove(st, "a") != 0 ||
        ndshm_array_create(st, "a", NDSHM_INT64, 2, shape, &three, 0) != 0)
        return lib_fail(31, "re-create a");
    ndshm_store_close(st);
    return 0;
}

/* The tool: $NDSHM, or tools/ndshm next to this test's build directory. */
static const char *tool_path(void)
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

/*
 * Run "ndshm ARGS..." on the test's store; its exit status (-1 when it
 * hung), with its stdout in out.
 */
static int tool_run(char *out, size_t cap, const char *const *args)
{
    const char *tool = tool_path();
    ck_assert_ptr_nonnull(tool);
    const char *argv[16];
    int n = 0;
    argv[n++] = "ndshm";
    for (; *args && n < 15; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int fds[2];
    make_pipe(fds);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setenv("NDSHM_STORE", test_dir, 1);
        setenv("LC_ALL", "C", 1);
        dup2(fds[1], 1);
        close(fds[0]);
        execv(tool, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    /* read until EOF, each read bounded by the hang guard */
    size_t len = 0;
    for (;;) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, GUARD_MS) != 1)
            break;
        ssize_t got = read(fds[0], out + len, cap - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    out[len] = '\0';
    close(fds[0]);
    int status = reap(pid, GUARD_MS);
    return status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The id that 'ndshm info NAME' prints, or 0 when it does not. */
static uint64_t info_id(const char *name)
{
    char out[4096];
    int rc =
        tool_run(out, sizeof out, (const char *const[]){"info", name, NULL});
    ck_assert_msg(rc == 0, "ndshm info %s exited %d", name, rc);
    const char *line = strstr(out, "\nid:");
    ck_assert_msg(line != NULL, "no id in: %s", out);
    return strtoull(line + 4, NULL, 10);
}

static uint64_t info_json_id(const char *name)
{
    char out[4096];
    int rc = tool_run(out, sizeof out,
                      (const char *const[]){"info", name, "--json", NULL});
    ck_assert_msg(rc == 0, "ndshm info %s --json exited %d", name, rc);
    const char *key = strstr(out, "\"id\": ");
    ck_assert_msg(key != NULL, "no id in: %s", out);
    return strtoull(key + 6, NULL, 10);
}

START_TEST(created_again_is_a_new_array)
{
    make_filled(test_st, "a", 7);
    ndshm_array *old = open_ok("a", 0), *oldrow = open_ok("a[2]", 0);
    uint64_t old_id = ndshm_array_id(old);
    int have_tool = tool_path() != NULL;
    if (have_tool)
        ck_assert_uint_eq(info_id("a"), old_id);
    int64_t one = 1;
    ck_assert_int_eq(ndshm_array_fill(oldrow, &one), 0);

    in_other_process(recreator, NULL, "the re-creator");
    expect_stale(old, 1);
    expect_stale(oldrow, 1);
    ndshm_array *now = open_ok("a", 0);
    expect_stale(now, 0);
    ck_assert_uint_ne(ndshm_array_id(now), old_id);
    ck_assert_uint_gt(ndshm_array_id(now), old_id); /* never reused */
    ck_assert_str_ne(ndshm_array_path(now), ndshm_array_path(old));
    if (have_tool) {
        ck_assert_uint_eq(info_id("a"), ndshm_array_id(now));
        ck_assert_uint_eq(info_json_id("a"), ndshm_array_id(now));
    }
    /* the old handle keeps its shape and data; the new one has its own */
    ck_assert_int_eq(ndshm_array_shape(old)[0], ROWS);
    ck_assert_int_eq(ndshm_array_shape(now)[1], 3);
    ck_assert_int_eq(*elem(old, 0, 0), 7);
    ck_assert_int_eq(*elem(old, 2, 5), 1);
    expect_all(now, 3);
    uint64_t nv = ndshm_array_version(now);
    /* writes through the old handles never reach the new array */
    int64_t nine = 9;
    ck_assert_int_eq(ndshm_array_fill(old, &nine), 0);
    *(volatile int64_t *)ndshm_array_data(oldrow) = 10; /* a[2, 0] */
    ndshm_array_notify(oldrow);
    expect_all(now, 3);
    ck_assert_uint_eq(ndshm_array_version(now), nv);
    ck_assert_int_eq(*elem(old, 2, 0), 10);
    ck_assert_int_eq(*elem(old, 3, 7), 9);
    /* and the new array's writes never reach the old handles */
    int64_t four = 4;
    ck_assert_int_eq(ndshm_array_fill(now, &four), 0);
    ck_assert_int_eq(*elem(old, 0, 0), 9);
    ck_assert_int_eq(data_files(), 1);
    expect_stale(old, 1);

    /* once more with the tool, same shape and dtype: only the id says */
    if (have_tool) {
        char out[256];
        ck_assert_int_eq(
            tool_run(out, sizeof out, (const char *const[]){"rm", "a", NULL}),
            0);
        ck_assert_int_eq(tool_run(out, sizeof out,
                                  (const char *const[]){
                                      "create", "a", "--dtype", "int64",
                                      "--shape", "2,3", "--fill", "6", NULL}),
                         0);
        uint64_t third = info_id("a");
        ck_assert_uint_gt(third, ndshm_array_id(now));
        expect_stale(now, 1);
        expect_all(now, 4);
        ndshm_array *t = open_ok("a", 0);
        ck_assert_uint_eq(ndshm_array_id(t), third);
        expect_all(t, 6);
        ndshm_array_close(t);
    }
    ndshm_array_close(old);
    ndshm_array_close(oldrow);
    ndshm_array_close(now);
}
END_TEST

/* ---- views keep a removed base alive ------------------------------------ */

static int view_writer(void *arg)
{
    (void)arg;
    ndshm_store *st = child_store();
    ndshm_array *w;
    if (st == NULL || ndshm_array_open(&w, st, "w", 0) != 0)
        return lib_fail(40, "open w");
    if (ndshm_array_base(w) != NULL)
        return child_fail(41, "w's base is '%s' after it was removed",
                          ndshm_array_base(w));
    /* w is v[:, ::2], v is a[1:3]: w[1, 3] is a[2, 6] */
    if (*elem(w, 1, 3) != 2 * COLS + 6)
        return child_fail(42, "w[1, 3] is %lld", (long long)*elem(w, 1, 3));
    *elem(w, 0, 0) = 1000;
    ndshm_array_notify(w);
    ndshm_array_close(w);
    ndshm_store_close(st);
    return 0;
}

START_TEST(views_keep_a_removed_base_alive)
{
    const int64_t shape[2] = {ROWS, COLS};
    int64_t init[ROWS][COLS];
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            init[i][j] = i * COLS + j;
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "a", NDSHM_INT64,
                                                    2, shape, init, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:3]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "w", "v[:, ::2]", 0), 0);
    ndshm_array *hv = open_ok("v", 0), *hvx = open_ok("v[1]", 0);
    ck_assert_str_eq(ndshm_array_base(hv), "a");

    remove_elsewhere((const char *const[]){"a", NULL});
    expect_absent("a");
    ck_assert_int_eq(data_files(), 1); /* the views hold the file */
    /* v still names the same data and window */
    expect_stale(hv, 0);
    expect_stale(hvx, 0);
    ndshm_array *v2 = open_ok("v", 0);
    ck_assert_ptr_null(ndshm_array_base(v2));
    ck_assert_uint_eq(ndshm_array_id(v2), ndshm_array_id(hv));
    ck_assert_int_eq(*elem(v2, 1, 7), 2 * COLS + 7);
    in_other_process(view_writer, NULL, "the writer through w");
    ck_assert_int_eq(*elem(hv, 0, 0), 1000);
    ck_assert_int_eq(*elem(v2, 0, 0), 1000);

    /* a new "a" is another array: the views still see the old one */
    make_filled(test_st, "a", -1);
    ck_assert_int_eq(data_files(), 2);
    expect_stale(hv, 0);
    ck_assert_int_eq(*elem(hv, 1, 0), 2 * COLS);

    /* the file lives while any name refers to it, then handles alone */
    remove_elsewhere((const char *const[]){"v", NULL});
    expect_stale(hv, 1);
    expect_stale(hvx, 1);
    ck_assert_int_eq(data_files(), 2);
    ndshm_array *hw = open_ok("w", 0);
    remove_elsewhere((const char *const[]){"w", "a", NULL});
    ck_assert_int_eq(data_files(), 0);
    expect_stale(hw, 1);
    *elem(hw, 1, 0) = 2000; /* w[1, 0] is a[2, 0] is v[1, 0] */
    ck_assert_int_eq(*elem(hv, 1, 0), 2000);
    ck_assert_int_eq(((volatile int64_t *)ndshm_array_data(hvx))[0], 2000);
    ck_assert_int_eq(*elem(v2, 0, 0), 1000);
    ndshm_array_close(hv);
    ndshm_array_close(hvx);
    ndshm_array_close(v2);
    ndshm_array_close(hw);
}
END_TEST

/* ---- stale only when the name changes ----------------------------------- */

/* Change everything but the names a and v. */
static int bystander(void *arg)
{
    (void)arg;
    ndshm_store *st = child_store();
    if (st == NULL)
        return 50;
    const int64_t shape[1] = {3};
    ndshm_array *a;
    int64_t k = 42;
    if (ndshm_array_create(st, "c", NDSHM_INT64, 1, shape, NULL, 0) != 0 ||
        ndshm_view_create(st, "d", "a[::-1]", 0) != 0 ||
        ndshm_copy(st, "e", "v", 0) != 0 || ndshm_remove(st, "c") != 0 ||
        ndshm_remove(st, "d") != 0 ||
        ndshm_array_create(st, "c", NDSHM_INT64, 1, shape, NULL, 0) != 0 ||
        ndshm_view_create(st, "av", "a", 0) != 0)
        return lib_fail(51, "the bystander's changes");
    if (ndshm_array_open(&a, st, "a", 0) != 0 ||
        ndshm_array_fill(a, &k) != 0 ||
        ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 0) != 0 ||
        ndshm_array_unlock(a) != 0)
        return lib_fail(52, "the bystander's writes");
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

struct reviewer {
    const char *expr; /* what v becomes */
};

static int review(void *arg)
{
    struct reviewer *r = arg;
    ndshm_store *st = child_store();
    if (st == NULL)
        return 55;
    if (ndshm_remove(st, "v") != 0 || ndshm_view_create(st, "v", r->expr, 0))
        return child_fail(56, "re-create v as %s: %s", r->expr,
                          ndshm_errmsg());
    ndshm_store_close(st);
    return 0;
}

START_TEST(stale_only_when_the_name_changes)
{
    make_filled(test_st, "a", 0);
    make_filled(test_st, "b", 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[0:2]", 0), 0);
    ndshm_array *ha = open_ok("a", 0), *hx = open_ok("a[1:]", 0),
                *hv = open_ok("v", 0), *hvx = open_ok("v[1]", 0),
                *hr = open_ok("a.T", NDSHM_READONLY);
    ndshm_array *mine[] = {ha, hx, hv, hvx, hr};
    for (size_t k = 0; k < 5; k++)
        expect_stale(mine[k], 0);
    in_other_process(bystander, NULL, "the bystander");
    for (size_t k = 0; k < 5; k++)
        expect_stale(mine[k], 0);
    ck_assert_int_eq(*elem(ha, 3, 3), 42);

    /* v, re-created with another window over the same array: stale */
    struct reviewer r = {"a[1:3]"};
    in_other_process(review, &r, "re-viewing v");
    expect_stale(hv, 1);
    expect_stale(hvx, 1);
    expect_stale(ha, 0);
    expect_stale(hx, 0);
    /* the same offset, shape and strides, but over another array */
    r.expr = "b[0:2]";
    in_other_process(review, &r, "re-viewing v over b");
    expect_stale(hv, 1);
    ndshm_array *nv = open_ok("v", 0);
    ck_assert_int_eq(ndshm_array_offset(nv), ndshm_array_offset(hv));
    expect_stale(nv, 0);
    /* the very window v was at first, spelled otherwise: documented as
     * not stale (the same data file and window) */
    r.expr = "a[:2].T.T[:, ::1]";
    in_other_process(review, &r, "re-viewing v as it was");
    expect_stale(hv, 0);
    expect_stale(nv, 1);
    r.expr = "a[0:2, ::-1]";
    in_other_process(review, &r, "re-viewing v reversed");
    expect_stale(hv, 1);
    for (size_t k = 0; k < 5; k++)
        ndshm_array_close(mine[k]);
    ndshm_array_close(nv);
}
END_TEST

/* ---- churn -------------------------------------------------------------- */

enum {
    CHURNERS = 3,
    CYCLES = 150,
    READERS = 3,
    LEN = 16, /* elements of x */
    HELD = 4  /* handles a reader keeps open at a time */
};

/*
 * Everyone starts together when the test closes go's write end, and the
 * readers go on until the test closes stop's, once the churners are done.
 */
static int churn_go[2], churn_stop[2];

/* In a child: drop our copies of the write ends, wait for the start. */
static int await_start(void)
{
    close(churn_go[1]);
    close(churn_stop[1]);
    struct pollfd p = {churn_go[0], POLLIN, 0};
    char c;
    if (poll(&p, 1, GUARD_MS) != 1 || read(churn_go[0], &c, 1) != 0)
        return -1;
    return 0;
}

static int stopped(void)
{
    struct pollfd p = {churn_stop[0], POLLIN, 0};
    return poll(&p, 1, 0) == 1;
}

/*
 * Churner k: CYCLES times, remove xv and x and create them again, x filled
 * with a tag unique to (k, cycle) and xv = x[1:].  Another churner may win
 * any step: EEXIST and ENOTFOUND are part of the game.
 */
static int churner(void *arg)
{
    int k = (int)(intptr_t)arg;
    ndshm_store *st = child_store();
    if (st == NULL)
        return 60;
    if (await_start() != 0)
        return child_fail(65, "churner %d: no start", k);
    const int64_t shape[1] = {LEN};
    for (int c = 0; c < CYCLES; c++) {
        int64_t tag = (int64_t)(k + 1) * 1000000 + c + 1;
        int rc = ndshm_remove(st, "xv");
        if (rc != 0 && rc != NDSHM_ENOTFOUND)
            return lib_fail(61, "remove xv");
        rc = ndshm_remove(st, "x");
        if (rc != 0 && rc != NDSHM_ENOTFOUND)
            return lib_fail(62, "remove x");
        rc = ndshm_array_create(st, "x", NDSHM_INT64, 1, shape, &tag, 0);
        if (rc != 0 && rc != NDSHM_EEXIST)
            return lib_fail(63, "create x");
        rc = ndshm_view_create(st, "xv", "x[1:]", 0);
        if (rc != 0 && rc != NDSHM_EEXIST && rc != NDSHM_ENOTFOUND)
            return lib_fail(64, "view xv");
    }
    ndshm_store_close(st);
    return 0;
}

struct held {
    ndshm_array *a;
    int64_t tag;
    int64_t shift; /* 0 for x, 1 for xv (x[1:]) */
    int stale;
};

/* Check a handle's window: tag everywhere but readers' marks (-tag). */
static int check_held(const struct held *h, int r)
{
    const volatile int64_t *d = ndshm_array_data(h->a);
    int64_t n = ndshm_array_size(h->a);
    if (n != LEN - h->shift)
        return child_fail(70, "reader %d: %lld elements", r, (long long)n);
    for (int64_t i = 0; i < n; i++) {
        int64_t x = i + h->shift; /* index in x */
        int64_t want = x >= 1 && x <= READERS ? -h->tag : h->tag;
        if (d[i] != h->tag && d[i] != want)
            return child_fail(71,
                              "reader %d: x[%lld] is %lld in an array "
                              "made with %lld",
                              r, (long long)x, (long long)d[i],
                              (long long)h->tag);
    }
    return 0;
}

/*
 * Reader r: open x or xv again and again, keeping up to HELD handles
 * open; for each, check its data, write a mark in its own slot x[r + 1]
 * and read it back, and check that staleness never goes back to 0.
 */
static int churn_reader(void *arg)
{
    int r = (int)(intptr_t)arg;
    ndshm_store *st = child_store();
    if (st == NULL)
        return 72;
    if (await_start() != 0)
        return child_fail(80, "reader %d: no start", r);
    struct held h[HELD];
    memset(h, 0, sizeof h);
    uint64_t last_id = 0;
    int opened = 0;
    /* until the churners are done, and then a last round */
    int last_round = 0;
    for (int it = 0; last_round < HELD; it++) {
        if (last_round || stopped())
            last_round++;
        struct held *slot = &h[it % HELD];
        if (slot->a) {
            int stale = ndshm_array_stale(slot->a);
            if (stale < 0)
                return lib_fail(73, "stale");
            /* x is only ever re-created as a new array: once stale,
             * always stale.  (xv may be viewed again over the same x
             * and window, which is documented as not stale.) */
            if (slot->shift == 0 && slot->stale && !stale)
                return child_fail(74,
                                  "reader %d: a stale handle of x "
                                  "became fresh again",
                                  r);
            int rc = check_held(slot, r);
            if (rc != 0)
                return rc;
            ndshm_array_close(slot->a);
            slot->a = NULL;
        }
        const char *name = it % 3 == 2 ? "xv" : "x";
        ndshm_array *a;
        int rc = ndshm_array_open(&a, st, name, 0);
        if (rc == NDSHM_ENOTFOUND)
            continue;
        if (rc != 0)
            return lib_fail(75, "open");
        opened++;
        slot->a = a;
        slot->shift = name[1] == 'v';
        volatile int64_t *d = ndshm_array_data(a);
        slot->tag = d[LEN - 1 - slot->shift]; /* x's last: never marked */
        if (name[1] != 'v') {
            /* ids only grow (x's are new arrays; xv may keep an old x) */
            if (ndshm_array_id(a) < last_id)
                return child_fail(76, "reader %d: id %llu after %llu", r,
                                  (unsigned long long)ndshm_array_id(a),
                                  (unsigned long long)last_id);
            last_id = ndshm_array_id(a);
        }
        if ((rc = check_held(slot, r)) != 0)
            return rc;
        /* mark our slot through the data pointer */
        volatile int64_t *mine = d + (r + 1 - slot->shift);
        *mine = -slot->tag;
        ndshm_array_notify(a);
        if (*mine != -slot->tag)
            return child_fail(77, "reader %d: lost its own mark", r);
        slot->stale = ndshm_array_stale(a);
        if (slot->stale < 0)
            return lib_fail(78, "stale");
    }
    for (int k = 0; k < HELD; k++)
        if (h[k].a) {
            int rc = check_held(&h[k], r);
            if (rc != 0)
                return rc;
            ndshm_array_close(h[k].a);
        }
    ndshm_store_close(st);
    if (opened == 0)
        return child_fail(79, "reader %d never found x", r);
    return 0;
}

static void count_fsck(const char *problem, int repaired, void *ctx)
{
    (void)repaired;
    fprintf(stderr, "fsck: %s\n", problem);
    ++*(int *)ctx;
}

START_TEST(churn_under_open_handles)
{
    const int64_t shape[1] = {LEN};
    int64_t tag = 1;
    ck_assert_int_eq(
        ndshm_array_create(test_st, "x", NDSHM_INT64, 1, shape, &tag, 0), 0);
    make_pipe(churn_go);
    make_pipe(churn_stop);
    pid_t pids[CHURNERS + READERS];
    for (int k = 0; k < READERS; k++)
        pids[k] = spawn(churn_reader, (void *)(intptr_t)k);
    for (int k = 0; k < CHURNERS; k++)
        pids[READERS + k] = spawn(churner, (void *)(intptr_t)k);
    close(churn_go[1]); /* go */
    for (int k = 0; k < CHURNERS; k++)
        reap_ok(pids[READERS + k], "a churner");
    close(churn_stop[1]); /* stop */
    for (int k = 0; k < READERS; k++)
        reap_ok(pids[k], "a reader");
    close(churn_go[0]);
    close(churn_stop[0]);
    /* consistent at the end, with one data file per live array */
    int problems = 0;
    ck_assert_int_eq(ndshm_fsck(test_st, 0, count_fsck, &problems), 0);
    ck_assert_int_eq(problems, 0);
    uint64_t ids[2] = {0, 0};
    const char *names[2] = {"x", "xv"};
    for (int k = 0; k < 2; k++) {
        ndshm_array *a;
        int rc = ndshm_array_open(&a, test_st, names[k], 0);
        ck_assert_msg(rc == 0 || rc == NDSHM_ENOTFOUND, "open %s: %s",
                      names[k], ndshm_errmsg());
        if (rc == 0) {
            ids[k] = ndshm_array_id(a);
            expect_stale(a, 0);
            ndshm_array_close(a);
        }
    }
    int live = (ids[0] != 0) + (ids[1] != 0 && ids[1] != ids[0]);
    ck_assert_int_eq(data_files(), live);
    if (ids[0])
        ck_assert_int_eq(ndshm_remove(test_st, "x"), 0);
    if (ids[1])
        ck_assert_int_eq(ndshm_remove(test_st, "xv"), 0);
    ck_assert_int_eq(data_files(), 0);
}
END_TEST

static Suite *removal_suite(void)
{
    Suite *s = suite_create("removal");
    TCase *tc = test_store_tcase("names", 60);
    tcase_add_test(tc, removed_while_open);
    tcase_add_test(tc, created_again_is_a_new_array);
    tcase_add_test(tc, views_keep_a_removed_base_alive);
    tcase_add_test(tc, stale_only_when_the_name_changes);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("churn", 120);
    tcase_add_test(tc, churn_under_open_handles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(removal_suite());
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
