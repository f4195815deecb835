/*
 * fullspace.c -- a store on a file system with no space left.
 *
 * Each test case mounts a fresh 8 MiB tmpfs (so the program needs root;
 * without it, or where the mount fails, it says so and exits 77, skipped)
 * and unmounts it afterwards, on failure too: the mounts are made and
 * undone by the runner process, which no failing test takes down, and an
 * atexit handler and a signal handler undo what is left.
 *
 *  - too_big: fill the space with arrays, then a create and copies that
 *    do not fit fail with NDSHM_ENOSPC and "no space left on device",
 *    leave no file behind, and give back every block they took; every
 *    byte of the arrays that did fit can be written (space is reserved
 *    at create, so no SIGBUS); smaller creates still succeed; removing an
 *    array makes room for the copy that did not fit.
 *  - catalog_full: other files take all the space, so the catalog itself
 *    cannot grow: names are added until that happens, with 0 to 4 pages
 *    left free; it must fail with NDSHM_ENOSPC (never another error, a
 *    crash or a leftover file), and the store must stay consistent and
 *    work again once there is room.
 *  - cli: the same through the ndshm tool ($NDSHM): exit status 1 and
 *    one stderr line saying "no space left on device".
 *
 * Every operation that touches the full file system runs in a child and
 * the parent checks how it ended: a SIGBUS shows as a failure naming the
 * signal instead of taking the test down with it.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include "catalog.h"
#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

#define TMPFS_OPTS    "size=8m,mode=0700"
#define CHILD_ALARM_S 30 /* a hung child is killed by SIGALRM */

enum { MiB = 1024 * 1024, PAGE = 4096 };

/* ---- the tmpfs ---------------------------------------------------------- */

static char *mnt;        /* the current case's mount point, while mounted */
static pid_t runner_pid; /* the process that mounts and unmounts */

static void unmount_now(void)
{
    if (mnt != NULL && getpid() == runner_pid) {
        umount2(mnt, MNT_DETACH); /* detached even if something holds it */
        rmdir(mnt);
    }
}

static void unmount_on_signal(int sig)
{
    unmount_now();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Unchecked fixture: a fresh tmpfs for the test case. */
static void mount_setup(void)
{
    mnt = test_store_dir();
    if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS) != 0) {
        int err = errno;
        rmdir(mnt);
        free(mnt);
        mnt = NULL;
        ck_abort_msg("cannot mount a tmpfs: %s", strerror(err));
    }
}

static void mount_teardown(void)
{
    if (mnt == NULL)
        return;
    if (umount2(mnt, 0) != 0)
        umount2(mnt, MNT_DETACH);
    rmdir(mnt);
    free(mnt);
    mnt = NULL;
}

/* Can we mount a tmpfs at all?  NULL if so, else why not. */
static const char *why_no_tmpfs(void)
{
    static char why[256];
    if (geteuid() != 0)
        return "not root: mounting a small tmpfs needs root";
    char *dir = test_store_dir();
    int rc = mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS);
    int err = errno;
    if (rc == 0)
        umount2(dir, MNT_DETACH);
    rmdir(dir);
    free(dir);
    if (rc == 0)
        return NULL;
    snprintf(why, sizeof why, "cannot mount a tmpfs: %s", strerror(err));
    return why;
}

/* ---- plumbing ----------------------------------------------------------- */

static char store_dir[PATH_MAX]; /* the store, inside the tmpfs */

static void make_store_dir(void)
{
    snprintf(store_dir, sizeof store_dir, "%s/store", mnt);
}

/* Bytes free on the tmpfs, as df counts them. */
static long long free_bytes(void)
{
    struct statvfs sv;
    ck_assert_int_eq(statvfs(mnt, &sv), 0);
    return (long long)sv.f_bfree * (long long)sv.f_frsize;
}

/* The store handle of the child running an operation (or of the parent
 * while it checks the store). */
static ndshm_store *cur_st;

/* An operation, in a child with a store handle of its own (cur_st). */
struct in_store {
    test_child_fn fn;
    void *arg;
};

static int with_store(void *arg)
{
    const struct in_store *op = arg;
    if (ndshm_store_open(&cur_st, store_dir, 0) != 0)
        return test_child_lib_fail(100, "cannot open the store");
    int code = op->fn(op->arg);
    ndshm_store_close(cur_st);
    return code;
}

/* Run fn in a child with its own store handle; fn's exit code. */
static int run_child(test_child_fn fn, void *arg, const char *what)
{
    struct in_store op = {fn, arg};
    pid_t pid = test_spawn_alarmed(with_store, &op, CHILD_ALARM_S);
    return test_exit_code(test_wait(pid), what);
}

/* A child that must exit 0. */
static void child_ok(test_child_fn fn, void *arg, const char *what)
{
    int code = run_child(fn, arg, what);
    ck_assert_msg(code == 0, "%s: exit status %d (see its stderr)", what,
                  code);
}

/* rc must be NDSHM_ENOSPC saying "no space left on device": 0 or a code. */
static int want_enospc(int rc, const char *what)
{
    if (rc == 0)
        return test_child_fail(20, "%s succeeded on a full file system", what);
    if (rc != NDSHM_ENOSPC)
        return test_child_lib_fail(21, "%s failed with %s, not ENOSPC", what,
                                   ndshm_errname(rc));
    if (strstr(ndshm_errmsg(), "no space left on device") == NULL)
        return test_child_lib_fail(22,
                                   "%s: the message does not say \"no "
                                   "space left on device\"",
                                   what);
    return 0;
}

/* Names in the store, and the distinct data files they use. */
struct census {
    int names;
    uint64_t ids[256];
    int nids;
};

static int count_name(const char *name, void *ctx)
{
    struct census *c = ctx;
    ndshm_array *a;
    ck_assert_msg(ndshm_array_open(&a, cur_st, name, NDSHM_READONLY) == 0,
                  "open %s: %s", name, ndshm_errmsg());
    uint64_t id = ndshm_array_id(a);
    ndshm_array_close(a);
    c->names++;
    for (int i = 0; i < c->nids; i++)
        if (c->ids[i] == id)
            return 0;
    ck_assert_int_lt(c->nids, 256);
    c->ids[c->nids++] = id;
    return 0;
}

/*
 * The store is consistent: fsck finds nothing, every name opens, and
 * data/ holds exactly the files the names use (no leftover, no temporary).
 * Returns the number of names.
 */
static int assert_consistent(void)
{
    ck_assert_int_eq(ndshm_store_open(&cur_st, store_dir, 0), 0);
    test_fsck_clean(cur_st);
    struct census c = {0, {0}, 0};
    ck_assert_int_eq(ndshm_list(cur_st, count_name, &c), 0);
    ndshm_store_close(cur_st);
    cur_st = NULL;
    test_expect_data_files(store_dir, c.ids, c.nids);
    return c.names;
}

/* ---- arrays that do not fit --------------------------------------------- */

enum { ARRAY_N = MiB / 8 }; /* 1 MiB of float64 */

/* Create a0, a1, ... of 1 MiB until the space runs out; exit code: how
 * many fit (the last create must fail with ENOSPC). */
static int fill_with_arrays(void *arg)
{
    (void)arg;
    const int64_t shape[1] = {ARRAY_N};
    double one = 1;
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", i);
        int rc =
            ndshm_array_create(cur_st, name, NDSHM_FLOAT64, 1, shape, &one, 0);
        if (rc != 0)
            return want_enospc(rc, "creating an array") == 0 ? 64 + i : 1;
    }
    return test_child_fail(2, "20 MiB of arrays fit in an 8 MiB tmpfs");
}

/* Create "tail" of *(int64_t *)arg float64 elements. */
static int create_tail(void *arg)
{
    const int64_t shape[1] = {*(int64_t *)arg};
    double two = 2;
    if (ndshm_array_create(cur_st, "tail", NDSHM_FLOAT64, 1, shape, &two, 0) !=
        0)
        return test_child_lib_fail(3, "cannot create tail (%lld elements)",
                                   (long long)shape[0]);
    return 0;
}

static int create_too_big(void *arg)
{
    (void)arg;
    const int64_t shape[2] = {512, 512}; /* 2 MiB */
    return want_enospc(
        ndshm_array_create(cur_st, "big", NDSHM_FLOAT64, 2, shape, NULL, 0),
        "creating a 2 MiB array");
}

static int create_from_buffer_too_big(void *arg)
{
    (void)arg;
    const int64_t shape[1] = {ARRAY_N};
    double *buf = calloc(ARRAY_N, sizeof *buf);
    if (buf == NULL)
        return test_child_fail(4, "out of memory");
    int rc = ndshm_array_create_from_buffer(cur_st, "bigbuf", NDSHM_FLOAT64, 1,
                                            shape, buf, NULL, 0);
    free(buf);
    return want_enospc(rc, "creating a 1 MiB array from a buffer");
}

static int copy_too_big(void *arg)
{
    const char *expr = arg;
    char what[64];
    snprintf(what, sizeof what, "copying %s", expr);
    return want_enospc(ndshm_copy(cur_st, "bigcopy", expr, 0), what);
}

/* Write every byte of every array through its data pointer: the space
 * was reserved at create, so this never raises SIGBUS. */
static int write_every_byte(const char *name, void *ctx)
{
    (void)ctx;
    ndshm_array *a;
    if (ndshm_array_open(&a, cur_st, name, 0) != 0)
        return test_child_lib_fail(5, "cannot open %s", name);
    size_t n =
        (size_t)ndshm_array_size(a) * ndshm_dtype_size(ndshm_array_dtype(a));
    double *d = ndshm_array_data(a);
    for (size_t i = 0; i < n / 8; i++)
        d[i] = 3;
    ndshm_array_notify(a);
    ndshm_array_close(a);
    return 0;
}

static int write_all(void *arg)
{
    (void)arg;
    return ndshm_list(cur_st, write_every_byte, NULL);
}

static int create_small(void *arg)
{
    const char *name = arg;
    const int64_t shape[1] = {512}; /* 4 KiB */
    double four = 4;
    if (ndshm_array_create(cur_st, name, NDSHM_FLOAT64, 1, shape, &four, 0) !=
        0)
        return test_child_lib_fail(6, "cannot create %s", name);
    ndshm_array *a;
    if (ndshm_array_open(&a, cur_st, name, 0) != 0)
        return test_child_lib_fail(7, "cannot open %s", name);
    const double *d = ndshm_array_data(a);
    int rc = 0;
    for (int i = 0; i < 512 && rc == 0; i++)
        if (d[i] != 4)
            rc = test_child_fail(8, "%s[%d] is %g", name, i, d[i]);
    ndshm_array_close(a);
    return rc;
}

static int remove_name(void *arg)
{
    if (ndshm_remove(cur_st, arg) != 0)
        return test_child_lib_fail(9, "cannot remove %s", (char *)arg);
    return 0;
}

/* Copy a1 to c, which must now fit, and hold a1's values (all 3). */
static int copy_fits(void *arg)
{
    (void)arg;
    if (ndshm_copy(cur_st, "c", "a1", 0) != 0)
        return test_child_lib_fail(10, "copy a1 to c");
    ndshm_array *a;
    if (ndshm_array_open(&a, cur_st, "c", NDSHM_READONLY) != 0)
        return test_child_lib_fail(11, "open c");
    const double *d = ndshm_array_data(a);
    int rc = 0;
    for (int64_t i = 0; i < ARRAY_N && rc == 0; i++)
        if (d[i] != 3)
            rc = test_child_fail(12, "c[%lld] is %g", (long long)i, d[i]);
    ndshm_array_close(a);
    return rc;
}

START_TEST(too_big)
{
    make_store_dir();
    ck_assert_int_eq(ndshm_store_open(&cur_st, store_dir, 0), 0);
    ndshm_store_close(cur_st);
    cur_st = NULL;

    int code = run_child(fill_with_arrays, NULL, "filling with arrays");
    ck_assert_msg(code >= 64, "filling with arrays: exit status %d", code);
    int fitted = code - 64;
    ck_assert_msg(fitted >= 4, "only %d MiB arrays fit in 8 MiB", fitted);
    ck_assert_int_eq(assert_consistent(), fitted);

    /* Nearly full: one more array takes all but 64 KiB (the catalog's
     * room), leaving less than any failing operation below needs. */
    int64_t tail = (free_bytes() - 64 * 1024 - 2 * PAGE) / 8;
    ck_assert_int_gt(tail, 0);
    child_ok(create_tail, &tail, "creating the tail array");
    ck_assert_int_eq(assert_consistent(), fitted + 1);

    long long before = free_bytes();
    ck_assert_int_lt(before, 256 * 1024);
    child_ok(create_too_big, NULL, "a create that does not fit");
    child_ok(create_from_buffer_too_big, NULL,
             "a create from a buffer that does not fit");
    child_ok(copy_too_big, "a0", "a copy that does not fit");
    child_ok(copy_too_big, "a0[::2]", "a copy of a window that does not fit");
    child_ok(copy_too_big, "tail", "a copy of the tail");
    /* Nothing is left of them: no file, not a block. */
    ck_assert_int_eq(assert_consistent(), fitted + 1);
    ck_assert_msg(free_bytes() == before,
                  "%lld bytes were free before the failures, %lld after",
                  before, free_bytes());

    child_ok(write_all, NULL, "writing every byte of every array");
    child_ok(create_small, "small", "a small create on a nearly full store");
    child_ok(remove_name, "a0", "removing a0");
    child_ok(copy_fits, NULL, "the copy after a0 made room");
    ck_assert_int_eq(assert_consistent(), fitted + 2);
}
END_TEST

/* ---- the catalog cannot grow -------------------------------------------- */

static char filler_path[PATH_MAX + 16];

/* Fill every free block with the filler file (made or extended). */
static void fill_space(void)
{
    int fd = open(filler_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    ck_assert_msg(fd >= 0, "open %s: %s", filler_path, strerror(errno));
    static char chunk[64 * 1024];
    memset(chunk, 0xAA, sizeof chunk);
    for (size_t size = sizeof chunk; size >= PAGE; size /= 2)
        while (write(fd, chunk, size) == (ssize_t)size)
            ;
    close(fd);
    ck_assert_int_eq(free_bytes(), 0);
}

/* Give pages of the filler back, so that exactly that many are free. */
static void free_pages(int pages)
{
    struct stat sb;
    ck_assert_int_eq(stat(filler_path, &sb), 0);
    ck_assert_int_eq(truncate(filler_path, sb.st_size - pages * PAGE), 0);
    ck_assert_int_eq(free_bytes(), (long long)pages * PAGE);
}

/*
 * Add views of a0 with long names until one fails, which must be with
 * ENOSPC (the catalog needs pages the file system does not have).  Exit
 * code: 0, or why not.
 */
static int names_until_full(void *arg)
{
    int round = *(int *)arg;
    int rc = 0, i;
    for (i = 0; i < 5000; i++) {
        char name[NDSHM_NAME_MAX + 1];
        snprintf(name, sizeof name,
                 "r%d/a_long_name_so_that_each_view_takes_room_in_the_"
                 "catalog_%05d",
                 round, i);
        if ((rc = ndshm_view_create(cur_st, name, "a0", 0)) != 0)
            break;
    }
    if (rc == 0)
        return test_child_fail(30, "5000 views fit in a full catalog");
    if (rc != NDSHM_ENOSPC)
        return test_child_lib_fail(31, "view %d failed with %s, not ENOSPC", i,
                                   ndshm_errname(rc));
    if (strcasestr(ndshm_errmsg(), "no space left on device") == NULL)
        return test_child_lib_fail(34,
                                   "view %d: the message does not say no "
                                   "space left on device",
                                   i);
    /* The store is not left broken: another try fails the same way (or
     * fits, where the failed commit had extended the file). */
    char again[32];
    snprintf(again, sizeof again, "again%d", round);
    rc = ndshm_view_create(cur_st, again, "a0", 0);
    if (rc != 0 && rc != NDSHM_ENOSPC)
        return test_child_lib_fail(32, "the next view gave %s, not ENOSPC",
                                   ndshm_errname(rc));
    return 0;
}

/*
 * Create an empty array: its 8 KiB data file fits, and is linked, but
 * then the catalog may not fit.  It succeeds or fails with ENOSPC; the
 * parent checks that no file is left either way.
 */
static int create_empty(void *arg)
{
    char name[32];
    snprintf(name, sizeof name, "empty%d", *(int *)arg);
    const int64_t shape[1] = {0};
    int rc =
        ndshm_array_create(cur_st, name, NDSHM_FLOAT64, 1, shape, NULL, 0);
    if (rc != 0 && rc != NDSHM_ENOSPC)
        return test_child_lib_fail(33,
                                   "an empty array failed with %s, not "
                                   "ENOSPC",
                                   ndshm_errname(rc));
    return 0;
}

static int array_when_full(void *arg)
{
    (void)arg;
    const int64_t shape[1] = {16};
    return want_enospc(
        ndshm_array_create(cur_st, "nospace", NDSHM_INT64, 1, shape, NULL, 0),
        "creating an array with no space at all");
}

static int make_a0(void *arg)
{
    (void)arg;
    const int64_t shape[2] = {64, 64};
    double one = 1;
    if (ndshm_array_create(cur_st, "a0", NDSHM_FLOAT64, 2, shape, &one, 0))
        return test_child_lib_fail(40, "cannot create a0");
    return 0;
}

static int works_again(void *arg)
{
    (void)arg;
    const int64_t shape[1] = {ARRAY_N};
    if (ndshm_array_create(cur_st, "after", NDSHM_FLOAT64, 1, shape, NULL,
                           0) != 0)
        return test_child_lib_fail(41, "cannot create an array once there is "
                                       "room");
    if (ndshm_view_create(cur_st, "after_view", "after[::2]", 0) != 0)
        return test_child_lib_fail(42, "cannot create a view once there is "
                                       "room");
    return 0;
}

START_TEST(catalog_full)
{
    make_store_dir();
    snprintf(filler_path, sizeof filler_path, "%s/filler", mnt);
    ck_assert_int_eq(ndshm_store_open(&cur_st, store_dir, 0), 0);
    ndshm_store_close(cur_st);
    cur_st = NULL;
    child_ok(make_a0, NULL, "creating a0");

    fill_space();
    child_ok(array_when_full, NULL, "an array create with no space");
    assert_consistent();
    /* With 0 to 4 pages free, the catalog fills up: LMDB writes its new
     * pages in one go, which then fits wholly, partly or not at all. */
    for (int round = 0; round <= 4; round++) {
        fill_space();
        free_pages(round);
        char what[64];
        snprintf(what, sizeof what, "adding names with %d pages free", round);
        child_ok(names_until_full, &round, what);
        assert_consistent();
        /* The same with a data file: it takes 2 pages, and leaves the
         * catalog the same 0 to 4. */
        fill_space();
        free_pages(round + 2);
        snprintf(what, sizeof what, "an empty array with %d pages free",
                 round + 2);
        child_ok(create_empty, &round, what);
        assert_consistent();
    }
    ck_assert_int_eq(unlink(filler_path), 0);
    child_ok(works_again, NULL, "creating once there is room");
    assert_consistent();
}
END_TEST

/* ---- the same through the tool ------------------------------------------ */

/* Run `ndshm --store STORE args...`; its exit status, stderr in err. */
static int tool(char *err, size_t cap, const char *arg0, ...)
{
    const char *args[16] = {"--store", store_dir};
    int n = 2;
    va_list ap;
    va_start(ap, arg0);
    for (const char *a = arg0; a != NULL; a = va_arg(ap, const char *)) {
        ck_assert_int_lt(n, 14); /* test_tool_start takes 14 at most */
        args[n++] = a;
    }
    va_end(ap);
    args[n] = NULL;
    struct test_run r;
    test_tool_run(&r, NULL, args);
    snprintf(err, cap, "%s", r.err);
    ck_assert_msg(r.status != 127, "cannot run %s", test_tool_path());
    ck_assert_msg(r.status >= 0, "ndshm %s hung", arg0);
    ck_assert_msg(r.status < 128, "ndshm %s died of signal %d (%s)", arg0,
                  r.status - 128, strsignal(r.status - 128));
    return r.status;
}

/* A failed tool run: exit 1, one line on stderr saying no space. */
static void assert_no_space(int code, const char *err, const char *what)
{
    ck_assert_msg(code == 1, "%s: exit status %d, stderr: %s", what, code,
                  err);
    const char *nl = strchr(err, '\n');
    ck_assert_msg(nl != NULL && nl[1] == '\0', "%s: not one line: '%s'", what,
                  err);
    ck_assert_msg(strcasestr(err, "no space left on device") != NULL,
                  "%s: does not say no space left on device: %s", what, err);
}

START_TEST(cli)
{
    make_store_dir();
    snprintf(filler_path, sizeof filler_path, "%s/filler", mnt);
    char err[4096], shape[32];
    snprintf(shape, sizeof shape, "%d", ARRAY_N);
    int code = 0, fitted = 0;
    for (; fitted < 20; fitted++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", fitted);
        code = tool(err, sizeof err, "create", name, "--dtype", "f8",
                    "--shape", shape, NULL);
        if (code != 0)
            break;
        ck_assert_msg(err[0] == '\0', "create printed: %s", err);
    }
    assert_no_space(code, err, "ndshm create");
    ck_assert(strstr(err, "no space left on device") != NULL);
    ck_assert_int_ge(fitted, 4);
    ck_assert_int_eq(assert_consistent(), fitted);

    /* Nearly full, as in too_big. */
    char tail[32];
    snprintf(tail, sizeof tail, "%lld",
             (free_bytes() - 64 * 1024 - 2 * PAGE) / 8);
    code = tool(err, sizeof err, "create", "tail", "--dtype", "f8", "--shape",
                tail, NULL);
    ck_assert_msg(code == 0, "create tail: exit %d: %s", code, err);
    ck_assert_int_eq(assert_consistent(), fitted + 1);

    long long before = free_bytes();
    code = tool(err, sizeof err, "create", "big", "--dtype", "f8", "--shape",
                shape, NULL);
    assert_no_space(code, err, "ndshm create big");
    ck_assert(strstr(err, "no space left on device") != NULL);
    code = tool(err, sizeof err, "copy", "big", "a0", NULL);
    assert_no_space(code, err, "ndshm copy");
    ck_assert(strstr(err, "no space left on device") != NULL);
    ck_assert_int_eq(assert_consistent(), fitted + 1);
    ck_assert_int_eq(free_bytes(), before);
    code = tool(err, sizeof err, "fsck", NULL);
    ck_assert_msg(code == 0, "ndshm fsck: exit %d: %s", code, err);
    code = tool(err, sizeof err, "create", "small", "--dtype", "f8", "--shape",
                "512", NULL);
    ck_assert_msg(code == 0, "a small create: exit %d: %s", code, err);

    /* No room for the catalog either (0 to 3 pages: less than a commit
     * may write): views fail, and cleanly. */
    for (int pages = 0, views = 0; pages <= 3; pages++) {
        fill_space();
        free_pages(pages);
        for (int tries = 0; tries < 2000; tries++, views++) {
            char name[NDSHM_NAME_MAX + 1];
            snprintf(name, sizeof name,
                     "v/a_long_name_so_that_each_view_takes_room_in_the_"
                     "catalog_%05d",
                     views);
            code = tool(err, sizeof err, "view", name, "a1", NULL);
            if (code != 0)
                break;
        }
        assert_no_space(code, err, "ndshm view on a full catalog");
        code = tool(err, sizeof err, "fsck", NULL);
        ck_assert_msg(code == 0, "ndshm fsck: exit %d: %s", code, err);
        assert_consistent();
    }

    ck_assert_int_eq(unlink(filler_path), 0);
    code = tool(err, sizeof err, "rm", "a0", NULL);
    ck_assert_msg(code == 0, "rm a0: exit %d: %s", code, err);
    code = tool(err, sizeof err, "copy", "big", "a1", NULL);
    ck_assert_msg(code == 0, "the copy once there is room: exit %d: %s", code,
                  err);
    assert_consistent();
}
END_TEST

static TCase *full_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, mount_setup, mount_teardown);
    return tc;
}

static Suite *fullspace_suite(void)
{
    Suite *s = suite_create("fullspace");
    TCase *tc = full_tcase("arrays too big");
    tcase_add_test(tc, too_big);
    suite_add_tcase(s, tc);
    tc = full_tcase("catalog cannot grow");
    tcase_add_test(tc, catalog_full);
    suite_add_tcase(s, tc);
    tc = full_tcase("tool");
    tcase_add_test(tc, cli);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const char *why = why_no_tmpfs();
    if (why != NULL) {
        printf("fullspace: SKIP: %s\n", why);
        return 77;
    }
    runner_pid = getpid();
    atexit(unmount_now);
    signal(SIGINT, unmount_on_signal);
    signal(SIGTERM, unmount_on_signal);
    signal(SIGHUP, unmount_on_signal);
    return test_run_suite(fullspace_suite(), CK_NORMAL);
}
