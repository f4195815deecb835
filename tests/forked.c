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
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

/*
 * The library's test hook (lib/catalog.h, not included here because it
 * needs LMDB's header): called at named points, "read:begun" once a
 * catalog read transaction holds its reader slot.
 */
extern void (*ndshm__crash_hook)(const char *point);

enum { ROWS = 4, COLS = 8 };

/* ---- the store's contents ----------------------------------------------- */

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

/* ---- in the child: the refusals ----------------------------------------- */

/* rc must be NDSHM_EFORKED with a message saying to open again. */
static int refused(int rc, const char *call)
{
    if (rc != NDSHM_EFORKED)
        return test_child_fail(2,
                               "%s in a fork child gave %s, not EFORKED (%s)",
                               call, ndshm_errname(rc), ndshm_errmsg());
    const char *m = ndshm_errmsg();
    if (strstr(m, "open it again") == NULL || strstr(m, "fork") == NULL)
        return test_child_fail(3, "%s: EFORKED with the message '%s'", call,
                               m);
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

static void close_arrays(const struct inherited *h)
{
    ndshm_array_close(h->a);
    ndshm_array_close(h->v);
    ndshm_array_close(h->ro);
    ndshm_array_close(h->row);
}

/* In the child: close what it inherited, which must not disturb the
 * parent. */
static void close_inherited_in_child(const struct inherited *h)
{
    close_arrays(h);
    ndshm_store_close(h->st);
}

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
        rc = test_child_fail(4, "a refused open left its handle set");
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
        rc = test_child_fail(5, "a refused list called back %d times", calls);
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
    close_inherited_in_child(h);
    return 0;
}

/* The handles the tests carry across fork, opened in the parent. */
static struct inherited open_inherited(void)
{
    static char npy[PATH_MAX];
    struct inherited h;
    h.st = test_st;
    h.a = test_open("a", 0);
    h.v = test_open("v", 0);
    h.ro = test_open("a", NDSHM_READONLY);
    h.row = test_open("a[3]", 0);
    snprintf(npy, sizeof npy, "%s/../import.npy", test_dir);
    ck_assert_int_eq(ndshm_npy_export(h.a, npy, 0), 0);
    h.npy = npy;
    return h;
}

static void close_inherited(struct inherited *h)
{
    close_arrays(h);
    unlink(h->npy);
}

START_TEST(catalog_and_lock_calls_refused)
{
    make_a_and_v();
    struct inherited h = open_inherited();
    /* a held lock is not the child's to release */
    ck_assert_int_eq(ndshm_array_lock(h.row, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    uint64_t v0 = ndshm_array_version(h.a);
    test_child_ok(refusing_child, &h, "the child using inherited handles");
    /* nothing changed */
    expect_names("a,v,");
    ck_assert_int_eq(test_count_data_files(test_dir), 1);
    test_fsck_clean(test_st);
    ck_assert_uint_eq(ndshm_array_version(h.a), v0);
    /* the parent's handles work as before, its lock still held */
    ck_assert_int_eq(ndshm_array_stale(h.a), 0);
    ck_assert_int_eq(ndshm_array_stale(h.v), 0);
    ndshm_array *o = test_open("a[3, 1:]", 0);
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
    if (*test_elem(h->a, 2, 5) != 25 || *test_elem(h->v, 1, 5) != 25 ||
        *test_elem(h->ro, 2, 5) != 25)
        return test_child_fail(10, "inherited data pointers do not see a");
    *test_elem(h->a, 0, 0) = -1;
    /* read, write and fill */
    int64_t buf[2][COLS];
    if (ndshm_array_read(h->v, buf, NULL) != 0 || buf[0][3] != 13)
        return test_child_lib_fail(11, "read through an inherited handle");
    for (int j = 0; j < COLS; j++)
        buf[0][j] = buf[1][j] = 100 + j;
    if (ndshm_array_write(h->v, buf, NULL) != 0)
        return test_child_lib_fail(12, "write through an inherited handle");
    int64_t seven = 7;
    if (ndshm_array_fill(h->row, &seven) != 0)
        return test_child_lib_fail(13, "fill through an inherited handle");
    if (ndshm_array_write(h->ro, buf, NULL) != NDSHM_EREADONLY)
        return test_child_fail(14, "an inherited read-only handle wrote");
    /* version and notify */
    ndshm_array_notify(h->a);
    ndshm_array_notify(h->ro); /* read-only: no change */
    uint64_t v = ndshm_array_version(h->ro);
    if (v != p->v0 + 3)
        return test_child_fail(15, "version %llu after 3 changes from %llu",
                               (unsigned long long)v,
                               (unsigned long long)p->v0);
    /* wait: nothing more yet, then the parent's fill wakes us */
    uint64_t now;
    if (ndshm_array_wait(h->ro, v, 0, &now) != NDSHM_ETIMEDOUT || now != v)
        return test_child_fail(16, "wait on an unchanged version returned");
    if (ndshm_array_wait(h->v, p->v0, 0, &now) != 0 || now != v)
        return test_child_fail(17, "wait on an old version did not return");
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(18, "cannot say ready");
    if (ndshm_array_wait(h->ro, v, TEST_GUARD_S, &now) != 0 || now != v + 1)
        return test_child_fail(19,
                               "the parent's fill did not wake the child "
                               "(%s, version %llu)",
                               ndshm_errmsg(), (unsigned long long)now);
    if (*test_elem(h->ro, 3, 0) != 8)
        return test_child_fail(20, "woke before the parent's fill");
    /* and the other way: the parent waits, the child notifies */
    if (test_send_byte(p->step[1]) != 0 ||
        test_await_waiters(ndshm_array_path(h->a), 1, TEST_GUARD_MS))
        return test_child_fail(21, "the parent never came to wait");
    *test_elem(h->a, 3, 7) = 9;
    ndshm_array_notify(h->row);
    /* close works */
    close_inherited_in_child(h);
    return 0;
}

START_TEST(data_calls_work_in_child)
{
    make_a_and_v();
    struct data_plan p;
    p.h = open_inherited();
    p.v0 = ndshm_array_version(p.h.a);
    test_pipe(p.ready);
    test_pipe(p.step);
    pid_t pid = test_spawn(data_child, &p);
    ck_assert_int_eq(test_wait_byte(p.ready[0], TEST_GUARD_MS), 0);
    ck_assert_int_eq(
        test_await_waiters(ndshm_array_path(p.h.a), 1, TEST_GUARD_MS), 0);
    int64_t eight = 8;
    ck_assert_int_eq(ndshm_array_fill(p.h.row, &eight), 0);
    ck_assert_int_eq(test_wait_byte(p.step[0], TEST_GUARD_MS), 0);
    uint64_t now;
    ck_assert_int_eq(ndshm_array_wait(p.h.a, p.v0 + 4, TEST_GUARD_S, &now), 0);
    ck_assert_uint_eq(now, p.v0 + 5);
    test_reap_ok(pid, "the child using inherited data calls");
    /* what the child wrote is here */
    ck_assert_int_eq(*test_elem(p.h.a, 0, 0), -1);
    ck_assert_int_eq(*test_elem(p.h.a, 1, 4), 104);
    ck_assert_int_eq(*test_elem(p.h.a, 2, 7), 107);
    ck_assert_int_eq(*test_elem(p.h.a, 3, 7), 9);
    ck_assert_int_eq(*test_elem(p.h.a, 3, 6), 8);
    ck_assert_uint_eq(ndshm_array_version(p.h.ro), p.v0 + 5);
    /* the child's closes took nothing from the parent */
    ck_assert_int_eq(ndshm_array_stale(p.h.v), 0);
    int64_t buf[2][COLS];
    ck_assert_int_eq(ndshm_array_read(p.h.v, buf, NULL), 0);
    ck_assert_int_eq(buf[1][2], 102);
    test_pipe_close(p.ready);
    test_pipe_close(p.step);
    close_inherited(&p.h);
    test_fsck_clean(test_st);
}
END_TEST

/* ---- closing in the child leaves the parent alone ----------------------- */

/* Close everything inherited, then look at the parent's locks afresh. */
static int closing_child(void *arg)
{
    struct inherited *h = arg;
    close_inherited_in_child(h);
    ndshm_store *st;
    ndshm_array *r1, *r3, *r2;
    if (ndshm_store_open(&st, test_dir, 0) != 0 ||
        ndshm_array_open(&r1, st, "a[1]", 0) != 0 ||
        ndshm_array_open(&r3, st, "a[3]", 0) != 0 ||
        ndshm_array_open(&r2, st, "a[2]", 0) != 0)
        return test_child_lib_fail(30, "a fresh open in the child");
    /* the parent holds a[1] exclusively (through v) and a[3] shared */
    if (ndshm_array_lock(r1, NDSHM_LOCK_SHARED, 0) != NDSHM_ETIMEDOUT)
        return test_child_fail(31, "closing an inherited handle released the "
                                   "parent's exclusive lock");
    if (ndshm_array_lock(r3, NDSHM_LOCK_EXCLUSIVE, 0) != NDSHM_ETIMEDOUT)
        return test_child_fail(32, "closing an inherited handle released the "
                                   "parent's shared lock");
    if (ndshm_array_lock(r3, NDSHM_LOCK_SHARED, 0) != 0 ||
        ndshm_array_lock(r2, NDSHM_LOCK_EXCLUSIVE, 0) != 0)
        return test_child_lib_fail(33, "locks the parent does not hold");
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
    ndshm_array *r1 = test_open("a[1]", 0);
    ck_assert_int_eq(ndshm_array_lock(r1, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ck_assert_int_eq(ndshm_array_lock(h.row, NDSHM_LOCK_SHARED, 0), 0);
    for (int k = 0; k < 3; k++)
        test_child_ok(closing_child, &h, "the closing child");
    /* the parent's locks are still its own: it converts and releases them */
    ndshm_array *o = test_open("a[1:]", 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_SHARED, 0),
                     NDSHM_ETIMEDOUT);
    ck_assert_int_eq(ndshm_array_lock(h.row, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ck_assert_int_eq(ndshm_array_unlock(r1), 0);
    ck_assert_int_eq(ndshm_array_unlock(h.row), 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ndshm_array_close(o);
    ndshm_array_close(r1);
    /* its store, handles and mappings work */
    ck_assert_int_eq(*test_elem(h.v, 1, 1), 21);
    *test_elem(h.a, 0, 1) = 5;
    ck_assert_int_eq(*test_elem(h.ro, 0, 1), 5);
    ck_assert_int_eq(ndshm_array_stale(h.a), 0);
    ck_assert_int_eq(ndshm_copy(test_st, "c", "v", 0), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(ndshm_array_stale(h.v), 1);
    expect_names("a,c,");
    test_fsck_clean(test_st);
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
        return test_child_lib_fail(40, "a fresh store in the child");
    const int64_t shape[1] = {4};
    int64_t six = 6;
    ndshm_array *c, *a;
    int calls = 0;
    if (ndshm_array_create(st, "c", NDSHM_INT64, 1, shape, &six, 0) != 0 ||
        ndshm_view_create(st2, "cv", "c[::2]", 0) != 0 ||
        ndshm_copy(st, "cc", "cv", 0) != 0 ||
        ndshm_npy_import(st, "imp", h->npy, 0) != 0 ||
        ndshm_list(st2, count_name, &calls) != 0 || calls != 6)
        return test_child_lib_fail(41, "the catalog through a fresh store");
    if (ndshm_array_open(&c, st, "cv", 0) != 0 ||
        ndshm_array_open(&a, st2, "a", 0) != 0)
        return test_child_lib_fail(42, "open through a fresh store");
    if (ndshm_array_stale(c) != 0 || ndshm_array_stale(a) != 0)
        return test_child_fail(43, "fresh handles are stale");
    if (ndshm_array_lock(c, NDSHM_LOCK_EXCLUSIVE, 0) != 0 ||
        ndshm_array_unlock(c) != 0)
        return test_child_lib_fail(44, "lock through a fresh handle");
    /* the parent holds a[0]: a fresh handle in the child sees that */
    if (ndshm_array_lock(a, NDSHM_LOCK_SHARED, 0) != NDSHM_ETIMEDOUT)
        return test_child_fail(45, "the parent's lock of a[0] is not seen");
    if (*test_elem(a, 2, 2) != 22 || *test_elem(h->a, 2, 2) != 22)
        return test_child_fail(46, "a[2, 2] is not 22");
    *test_elem(a, 2, 2) = 222;
    ndshm_array_notify(a);
    if (*test_elem(h->a, 2, 2) != 222)
        return test_child_fail(49, "fresh and inherited handles do not share");
    if (ndshm_remove(st, "cc") != 0 || ndshm_fsck(st2, 0, NULL, NULL) != 0)
        return test_child_lib_fail(47,
                                   "remove and fsck through a fresh store");
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
    ndshm_array *r0 = test_open("a[0]", 0);
    ck_assert_int_eq(ndshm_array_lock(r0, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    uint64_t v0 = ndshm_array_version(h.a);
    test_child_ok(fresh_child, &h, "the child with a fresh store");
    ck_assert_int_eq(*test_elem(h.a, 2, 2), 222);
    ck_assert_uint_eq(ndshm_array_version(h.a), v0 + 1);
    expect_names("a,c,cv,imp,v,");
    ck_assert_int_eq(test_count_data_files(test_dir), 3);
    test_fsck_clean(test_st);
    ndshm_array *c = test_open("cv", 0);
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
        close_inherited_in_child(h);
    }
    ndshm_store *st;
    if (ndshm_store_open(&st, test_dir, 0) != 0)
        return test_child_lib_fail(50, "a fresh store");
    char name[32];
    const int64_t shape[1] = {2};
    for (int n = 0; n < 10; n++) {
        snprintf(name, sizeof name, "k%d_%d", m->k, n);
        if (ndshm_array_create(st, name, NDSHM_INT8, 1, shape, NULL, 0) != 0)
            return test_child_lib_fail(51, "create");
        ndshm_array *x;
        if (ndshm_array_open(&x, st, name, 0) != 0 ||
            ndshm_array_stale(x) != 0)
            return test_child_lib_fail(52, "open");
        ndshm_array_close(x);
        if (n != 0 || m->k % 5 != 0)
            if (ndshm_remove(st, name) != 0)
                return test_child_lib_fail(53, "remove");
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
        test_child_ok(many_child, &m, "a child forked in a read");
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
        ndshm_array *x = test_open(name, NDSHM_READONLY);
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
    ndshm_array *r0 = test_open("a[0]", 0);
    ck_assert_int_eq(ndshm_array_lock(r0, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    uint64_t v0 = ndshm_array_version(m.h.a);
    for (int base = 0; base < CHILDREN; base += BATCH) {
        pid_t pids[BATCH];
        for (int b = 0; b < BATCH; b++) {
            m.k = base + b;
            pids[b] = test_spawn(many_child, &m);
        }
        /* meanwhile the parent works as usual */
        char name[32];
        snprintf(name, sizeof name, "p%d", base);
        const int64_t shape[1] = {3};
        ck_assert_int_eq(
            ndshm_array_create(test_st, name, NDSHM_INT64, 1, shape, NULL, 0),
            0);
        ndshm_array *x = test_open(name, 0);
        ck_assert_int_eq(ndshm_array_stale(x), 0);
        ck_assert_int_eq(ndshm_array_lock(x, NDSHM_LOCK_EXCLUSIVE, 0), 0);
        ndshm_array_close(x);
        ck_assert_int_eq(ndshm_remove(test_st, name), 0);
        ck_assert_int_eq(ndshm_array_stale(m.h.v), 0);
        for (int b = 0; b < BATCH; b++)
            test_reap_ok(pids[b], "a child");
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
    ck_assert_int_eq(*test_elem(x, 0, 0), 20);
    ndshm_array_close(x);

    /* the parent's store, handles and lock are intact */
    expect_kept(children);
    test_fsck_clean(test_st);
    ck_assert_int_eq(test_count_data_files(test_dir), 1 + (children + 4) / 5);
    ck_assert_uint_eq(ndshm_array_version(m.h.a), v0 + (uint64_t)children);
    for (int j = 0; j < COLS; j++) /* written by some child k, k % 8 == j */
        ck_assert_int_eq(
            ((volatile int64_t *)ndshm_array_data(m.h.row))[j] % COLS, j);
    ck_assert_int_eq(ndshm_array_stale(m.h.a), 0);
    ck_assert_int_eq(ndshm_array_stale(m.h.v), 0);
    ndshm_array *o = test_open("a", 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_SHARED, 0),
                     NDSHM_ETIMEDOUT);
    ck_assert_int_eq(ndshm_array_unlock(r0), 0);
    ck_assert_int_eq(ndshm_array_lock(o, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ndshm_array_close(o);
    ndshm_array_close(r0);
    ck_assert_int_eq(ndshm_remove(test_st, "k0_0"), 0);
    test_fsck_clean(test_st);
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
    /* CK_VERBOSITY=verbose lists each test */
    return test_run_suite(forked_suite(), CK_ENV);
}
