/*
 * races.c -- many processes changing one store at the same time.
 *
 *  - same_name_*: 32 processes create one name together.  Exactly one
 *    succeeds; every other gets NDSHM_EEXIST with a message naming the
 *    name (the tool: exit status 1 and one stderr line saying "already
 *    exists"); data/ ends with the winner's file only and fsck finds
 *    nothing.  In same_name_barrier every creator is held at the crash
 *    point "create:built" until all 32 have built their file, so all 32
 *    have passed the early "is the name free" check and the race is
 *    decided inside the catalog write, where it must be.
 *  - random_ops: 32 processes run 200 random create / view / copy / open
 *    / write / rm / list operations each on a few shared names.  Only
 *    outcomes that a race explains are accepted (EEXIST, ENOTFOUND, and
 *    EREADONLY writing a read-only view); afterwards fsck is clean, data/
 *    holds exactly the files the remaining names use, every name opens
 *    and reads, and removing everything leaves data/ empty.
 *  - map_growth: a catalog whose LMDB map starts at 64 KiB
 *    (ndshm__catalog_map_size) is grown, not failed, while creators add
 *    thousands of names and readers list and read meanwhile.
 *
 * Children open their own store handle after fork (handles do not cross
 * fork), report by exit status with a line on stderr, and arm alarm() so
 * that a hang kills them instead of the test run.  The parent asserts.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "catalog.h"
#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

/* A child that takes longer than this is hung: SIGALRM ends it. */
#define CHILD_ALARM_S 45
/* The longest the parent waits for one message from its children. */
#define WAIT_MS 30000

enum { NPROCS = 32 };

/* ---- plumbing ----------------------------------------------------------- */

typedef int (*child_fn)(int k, void *arg);

struct child {
    child_fn fn;
    int k;
    void *arg;
};

static int run_child(void *arg)
{
    const struct child *c = arg;
    return c->fn(c->k, c->arg);
}

/* Fork child k running fn, under the alarm; it exits with fn's value. */
static pid_t spawn(child_fn fn, int k, void *arg)
{
    struct child c = {fn, k, arg};
    return test_spawn_alarmed(run_child, &c, CHILD_ALARM_S);
}

/*
 * Wait for every child (so that none outlives a failed assertion by more
 * than the others' run) and keep their raw statuses.
 */
static void reap_all(const pid_t *pids, int n, int *statuses)
{
    for (int k = 0; k < n; k++)
        statuses[k] = test_wait(pids[k]);
}

static int go_pipe[2];  /* closed by the parent: everyone starts */
static char *store_dir; /* the current test's store */

/*
 * In a child: open the store (in *st), then wait for the start signal.
 * 0, or the exit code after a line on stderr.
 */
static int open_and_wait_for_go(ndshm_store **st)
{
    close(go_pipe[1]);
    if ((*st = test_child_store(store_dir)) == NULL)
        return 2;
    if (test_wait_eof(go_pipe[0], -1) != 0)
        return test_child_fail(3, "no start signal");
    return 0;
}

/* ---- 32 creators, one name ---------------------------------------------- */

enum { SAME_N = 1 << 19 }; /* 4 MiB of float64: creates overlap */

static int built_pipe[2]; /* a byte from each creator at create:built */
static int hold_pipe[2];  /* closed by the parent: creators go on */

/* At "create:built", say so and wait until every creator got there. */
static void hold_at_built(const char *point)
{
    static bool held;
    if (held || strcmp(point, "create:built") != 0)
        return;
    held = true;
    if (test_send_byte(built_pipe[1]) != 0 ||
        test_wait_eof(hold_pipe[0], -1) != 0)
        _exit(test_child_fail(9, "cannot synchronise at create:built"));
}

enum { SAME_WON = 0, SAME_EXISTS = 1 };

static int create_same(int k, void *arg)
{
    bool barrier = arg != NULL;
    if (barrier) {
        close(built_pipe[0]);
        close(hold_pipe[1]);
        ndshm__crash_hook = hold_at_built;
    }
    ndshm_store *st;
    int rc = open_and_wait_for_go(&st);
    if (rc != 0)
        return rc;
    const int64_t shape[1] = {SAME_N};
    double fill = k + 1; /* tells whose data the name ended with */
    rc = ndshm_array_create(st, "same", NDSHM_FLOAT64, 1, shape, &fill, 0);
    int code = SAME_WON;
    if (rc == NDSHM_EEXIST) {
        const char *msg = ndshm_errmsg();
        code = SAME_EXISTS;
        if (strstr(msg, "'same'") == NULL ||
            strstr(msg, "already exists") == NULL)
            code =
                test_child_lib_fail(4, "EEXIST with a message that does not "
                                       "name 'same' as existing");
    } else if (rc != 0) {
        code =
            test_child_lib_fail(5, "create failed with %s", ndshm_errname(rc));
    }
    ndshm_store_close(st);
    return code;
}

/* data/ holds exactly one file and it is the array named "same". */
static void check_one_winner(int winner)
{
    ck_assert_int_eq(test_count_data_files(store_dir), 1);
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, store_dir, 0), 0);
    ndshm_array *a;
    ck_assert_msg(ndshm_array_open(&a, st, "same", NDSHM_READONLY) == 0,
                  "open same: %s", ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_size(a), SAME_N);
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_FLOAT64);
    const double *d = ndshm_array_data(a);
    double want = winner + 1; /* only the winner's data may be there */
    for (int64_t i = 0; i < SAME_N; i++)
        if (d[i] != want)
            ck_abort_msg("same[%lld] is %g; the winner wrote %g", (long long)i,
                         d[i], want);
    char fname[PATH_MAX + 32];
    snprintf(fname, sizeof fname, "%s/data/%016llx.npy", store_dir,
             (unsigned long long)ndshm_array_id(a));
    ck_assert_msg(access(fname, F_OK) == 0, "%s is not the file in data/",
                  fname);
    ndshm_array_close(a);
    test_fsck_clean(st);
    ndshm_store_close(st);
}

static void run_same_name(bool barrier)
{
    ndshm_store_close(test_scratch_store(&store_dir));
    test_pipe(go_pipe);
    if (barrier) {
        test_pipe(built_pipe);
        test_pipe(hold_pipe);
    }
    pid_t pids[NPROCS];
    for (int k = 0; k < NPROCS; k++)
        pids[k] = spawn(create_same, k, barrier ? "barrier" : NULL);
    close(go_pipe[0]);
    close(go_pipe[1]); /* go */
    if (barrier) {
        close(built_pipe[1]);
        close(hold_pipe[0]);
        int built = 0;
        while (built < NPROCS && test_wait_byte(built_pipe[0], WAIT_MS) == 0)
            built++;
        close(hold_pipe[1]); /* every file is built: publish */
        close(built_pipe[0]);
        ck_assert_msg(built == NPROCS,
                      "only %d of %d creators reached create:built", built,
                      NPROCS);
    }
    int statuses[NPROCS];
    reap_all(pids, NPROCS, statuses);
    int won = 0, exists = 0, winner = -1;
    for (int k = 0; k < NPROCS; k++) {
        int code = test_exit_code(statuses[k], "a creator");
        ck_assert_msg(code == SAME_WON || code == SAME_EXISTS,
                      "creator %d exited with status %d (see its stderr)", k,
                      code);
        if (code == SAME_WON) {
            won++;
            winner = k;
        } else {
            exists++;
        }
    }
    ck_assert_msg(won == 1, "%d creators succeeded, not 1", won);
    ck_assert_int_eq(exists, NPROCS - 1);
    check_one_winner(winner);
    test_store_remove(store_dir);
    store_dir = NULL;
}

START_TEST(same_name_lib)
{
    run_same_name(false);
}
END_TEST

START_TEST(same_name_barrier)
{
    run_same_name(true);
}
END_TEST

/* An `ndshm create same` process, started by the start signal, with its
 * stderr in errfile. */
struct cli_creator {
    const char *tool, *dir, *shape;
    char errfile[PATH_MAX];
};

static int cli_creator(void *arg)
{
    const struct cli_creator *c = arg;
    close(go_pipe[1]);
    int fd = open(c->errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || null < 0 || dup2(fd, 2) < 0 || dup2(null, 1) < 0)
        return 126;
    if (test_wait_eof(go_pipe[0], -1) != 0)
        return 125;
    execl(c->tool, "ndshm", "--store", c->dir, "create", "same", "--dtype",
          "f8", "--shape", c->shape, (char *)NULL);
    return 127;
}

/* The same through the tool: each creator is an `ndshm create` process. */
START_TEST(same_name_cli)
{
    const char *tool = test_tool_path();
    ck_assert_msg(tool != NULL,
                  "the ndshm tool is not found: set $NDSHM to its path");
    char *dir;
    ndshm_store_close(test_scratch_store(&dir));
    char *errdir = test_scratch_dir(); /* each creator's stderr */
    test_pipe(go_pipe);
    char shape[32];
    snprintf(shape, sizeof shape, "%d", SAME_N);
    pid_t pids[NPROCS];
    struct cli_creator c = {tool, dir, shape, ""};
    for (int k = 0; k < NPROCS; k++) {
        snprintf(c.errfile, sizeof c.errfile, "%s/err.%d", errdir, k);
        pids[k] = test_spawn_alarmed(cli_creator, &c, CHILD_ALARM_S);
    }
    close(go_pipe[0]);
    close(go_pipe[1]);
    int statuses[NPROCS];
    reap_all(pids, NPROCS, statuses);
    int won = 0;
    for (int k = 0; k < NPROCS; k++) {
        int code = test_exit_code(statuses[k], "ndshm create");
        char errfile[PATH_MAX], text[4096];
        snprintf(errfile, sizeof errfile, "%s/err.%d", errdir, k);
        FILE *f = fopen(errfile, "r");
        ck_assert_ptr_nonnull(f);
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        ck_assert_msg(code == 0 || code == 1,
                      "ndshm create exited with %d; stderr: %s", code, text);
        if (code == 0) {
            won++;
            ck_assert_msg(n == 0, "the winner printed: %s", text);
            continue;
        }
        char *nl = strchr(text, '\n');
        ck_assert_msg(nl != NULL && nl[1] == '\0', "not one stderr line: '%s'",
                      text);
        ck_assert_msg(strstr(text, "already exists") != NULL &&
                          strstr(text, "'same'") != NULL,
                      "the error does not say 'same' already exists: %s",
                      text);
    }
    ck_assert_msg(won == 1, "%d ndshm create processes succeeded, not 1", won);
    ck_assert_int_eq(test_count_data_files(dir), 1);
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    test_fsck_clean(st);
    ndshm_store_close(st);
    test_store_remove(errdir);
    test_store_remove(dir);
}
END_TEST

/* ---- random operations on shared names ---------------------------------- */

enum { OPS = 200, MAXDIM = 6, MAXELEMS = MAXDIM * MAXDIM };

static const char *const shared_names[] = {"n0", "n1",    "n2",
                                           "n3", "ns/n4", "ns/n5"};
#define NNAMES ((int)(sizeof shared_names / sizeof shared_names[0]))
/* Slices only (clamped, never out of bounds) and .T: every window is 2-d. */
static const char *const windows[] = {"",         "[1:]",      "[::-1]",
                                      "[:, ::2]", ".T",        "[::2, 1:]",
                                      "[-2:, :]", "[:, 1:3].T"};
#define NWINDOWS ((int)(sizeof windows / sizeof windows[0]))

/* Every element ever stored carries this in its high half, so that a read
 * of anything else (a wrong file, a torn-down mapping) is caught. */
#define TAG 0x4E44534DLL /* "NDSM" */

static int64_t tagged(int k, int op)
{
    return (int64_t)((uint64_t)TAG << 32 | (uint64_t)k << 16 | (uint64_t)op);
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Read window a and check it: 2-d int64, every element tagged.  0 or an
 * exit code. */
static int read_tagged(ndshm_array *a, const char *expr)
{
    if (ndshm_array_dtype(a) != NDSHM_INT64 || ndshm_array_ndim(a) != 2)
        return test_child_fail(40, "'%s' is not a 2-d int64 window", expr);
    int64_t n = ndshm_array_size(a), buf[MAXELEMS];
    if (n > MAXELEMS)
        return test_child_fail(41, "'%s' has %lld elements", expr,
                               (long long)n);
    if (ndshm_array_read(a, buf, NULL) != 0)
        return test_child_lib_fail(42, "cannot read '%s'", expr);
    for (int64_t i = 0; i < n; i++)
        if ((uint64_t)buf[i] >> 32 != TAG)
            return test_child_fail(43,
                                   "'%s' element %lld is %#llx, which no "
                                   "process wrote",
                                   expr, (long long)i,
                                   (unsigned long long)buf[i]);
    return 0;
}

/* How often each kind of operation succeeded, over every worker (shared
 * memory): the test is void unless each kind did happen. */
enum {
    OP_CREATE,
    OP_VIEW,
    OP_COPY,
    OP_OPEN,
    OP_WRITE,
    OP_RM,
    OP_LIST,
    OP_KINDS
};
static const char *const op_names[OP_KINDS] = {
    "create", "view", "copy", "open", "write", "rm", "list"};
static long *op_done;

/* A failure that the race explains, or an exit code. */
static int expected(int rc, bool exist_ok, bool notfound_ok, int kind,
                    const char *what)
{
    if (rc == 0)
        __atomic_add_fetch(&op_done[kind], 1, __ATOMIC_RELAXED);
    if (rc == 0 || (rc == NDSHM_EEXIST && exist_ok) ||
        (rc == NDSHM_ENOTFOUND && notfound_ok))
        return 0;
    return test_child_lib_fail(50, "%s %s failed with %s", op_names[kind],
                               what, ndshm_errname(rc));
}

static int check_listed(const char *name, void *ctx)
{
    (void)ctx;
    for (int i = 0; i < NNAMES; i++)
        if (strcmp(name, shared_names[i]) == 0)
            return 0;
    return test_child_fail(60, "list gave '%s', which nobody made", name);
}

static int one_op(ndshm_store *st, int k, int op, uint64_t *rnd)
{
    const char *name = shared_names[next_random(rnd) % NNAMES];
    char expr[64];
    snprintf(expr, sizeof expr, "%s%s",
             shared_names[next_random(rnd) % NNAMES],
             windows[next_random(rnd) % NWINDOWS]);
    ndshm_array *a;
    int rc;
    switch (next_random(rnd) % 8) {
    case 0:
    case 1: {
        int64_t shape[2] = {1 + (int64_t)(next_random(rnd) % MAXDIM),
                            1 + (int64_t)(next_random(rnd) % MAXDIM)};
        int64_t fill = tagged(k, op);
        rc = ndshm_array_create(st, name, NDSHM_INT64, 2, shape, &fill, 0);
        return expected(rc, true, false, OP_CREATE, name);
    }
    case 2:
        rc = ndshm_view_create(st, name, expr,
                               next_random(rnd) % 4 == 0 ? NDSHM_READONLY : 0);
        return expected(rc, true, true, OP_VIEW, expr);
    case 3:
        rc = ndshm_copy(st, name, expr, 0);
        return expected(rc, true, true, OP_COPY, expr);
    case 4:
        rc = ndshm_array_open(&a, st, expr, NDSHM_READONLY);
        if (rc != 0)
            return expected(rc, false, true, OP_OPEN, expr);
        rc = read_tagged(a, expr);
        if (rc == 0 && (rc = ndshm_array_stale(a)) != 0 && rc != 1)
            rc = test_child_lib_fail(51, "stale check of '%s' gave %s", expr,
                                     ndshm_errname(rc));
        ndshm_array_close(a);
        if (rc == 0 || rc == 1) /* read, and the name still is it or not */
            rc = expected(0, false, false, OP_OPEN, expr);
        return rc;
    case 5: {
        /* A write as `ndshm set` does it: under the exclusive lock. */
        rc = ndshm_array_open(&a, st, expr, 0);
        if (rc != 0)
            return expected(rc, false, true, OP_OPEN, expr);
        int64_t v = tagged(k, op);
        if (ndshm_array_readonly(a)) {
            rc = ndshm_array_fill(a, &v);
            rc =
                rc == NDSHM_EREADONLY
                    ? 0
                    : test_child_lib_fail(52, "writing read-only '%s' gave %s",
                                          expr, ndshm_errname(rc));
        } else if ((rc = ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 20)) != 0) {
            /* The handle is valid after its name is removed; at most the
             * lock may say the name is gone. */
            rc = expected(rc, false, true, OP_WRITE, expr);
        } else {
            if ((rc = ndshm_array_fill(a, &v)) != 0)
                rc = test_child_lib_fail(54, "cannot fill '%s'", expr);
            else
                rc = read_tagged(a, expr);
            if (ndshm_array_unlock(a) != 0 && rc == 0)
                rc = test_child_lib_fail(55, "cannot unlock '%s'", expr);
            if (rc == 0)
                expected(0, false, false, OP_WRITE, expr);
        }
        ndshm_array_close(a);
        return rc;
    }
    case 6:
        rc = ndshm_remove(st, name);
        return expected(rc, false, true, OP_RM, name);
    default:
        rc = ndshm_list(st, check_listed, NULL);
        return rc <= 0 ? expected(rc, false, false, OP_LIST, "the store") : rc;
    }
}

static int random_worker(int k, void *arg)
{
    (void)arg;
    ndshm_store *st;
    int rc = open_and_wait_for_go(&st);
    if (rc != 0)
        return rc;
    uint64_t rnd = 0x9E3779B97F4A7C15ULL * (uint64_t)(k + 1);
    for (int op = 0; op < OPS && rc == 0; op++)
        rc = one_op(st, k, op, &rnd);
    ndshm_store_close(st);
    return rc;
}

struct names {
    char name[NNAMES * 2][NDSHM_NAME_MAX + 1];
    int n;
};

static int collect(const char *name, void *ctx)
{
    struct names *l = ctx;
    ck_assert_int_lt(l->n, NNAMES * 2);
    strcpy(l->name[l->n++], name);
    return 0;
}

START_TEST(random_ops)
{
    ndshm_store_close(test_scratch_store(&store_dir));
    op_done = mmap(NULL, OP_KINDS * sizeof *op_done, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert(op_done != MAP_FAILED);
    test_pipe(go_pipe);
    pid_t pids[NPROCS];
    for (int k = 0; k < NPROCS; k++)
        pids[k] = spawn(random_worker, k, NULL);
    close(go_pipe[0]);
    close(go_pipe[1]);
    int statuses[NPROCS];
    reap_all(pids, NPROCS, statuses);
    for (int k = 0; k < NPROCS; k++)
        test_exit_ok(statuses[k], "a random worker");
    for (int i = 0; i < OP_KINDS; i++)
        ck_assert_msg(op_done[i] > 0, "no %s succeeded", op_names[i]);
    munmap(op_done, OP_KINDS * sizeof *op_done);

    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, store_dir, 0), 0);
    test_fsck_clean(st);

    /* Every name opens and reads; the files they use are data/, exactly. */
    struct names l = {.n = 0};
    ck_assert_int_eq(ndshm_list(st, collect, &l), 0);
    uint64_t ids[NNAMES];
    int nids = 0;
    for (int i = 0; i < l.n; i++) {
        ndshm_array *a;
        ck_assert_msg(ndshm_array_open(&a, st, l.name[i], NDSHM_READONLY) == 0,
                      "open %s: %s", l.name[i], ndshm_errmsg());
        ck_assert_int_eq(read_tagged(a, l.name[i]), 0);
        uint64_t id = ndshm_array_id(a);
        bool seen = false;
        for (int j = 0; j < nids; j++)
            seen = seen || ids[j] == id;
        if (!seen)
            ids[nids++] = id;
        ndshm_array_close(a);
    }
    test_expect_data_files(store_dir, ids, nids);

    /* Removing every name removes every file. */
    for (int i = 0; i < l.n; i++)
        ck_assert_msg(ndshm_remove(st, l.name[i]) == 0, "rm %s: %s", l.name[i],
                      ndshm_errmsg());
    ck_assert_int_eq(test_count_data_files(store_dir), 0);
    l.n = 0;
    ck_assert_int_eq(ndshm_list(st, collect, &l), 0);
    ck_assert_int_eq(l.n, 0);
    test_fsck_clean(st);
    ndshm_store_close(st);
    test_store_remove(store_dir);
    store_dir = NULL;
}
END_TEST

/* ---- the catalog outgrows its map while in use -------------------------- */

enum {
    GROW_MAP = 64 * 1024, /* the map a store starts with in this test */
    CREATORS = 4,
    PER_CREATOR = 2000, /* names each adds */
    /* with arrays, 1 name in ARRAY_EVERY is an array (a data file) */
    ARRAY_EVERY = 16,
    READERS = 3
};

/* A long name, so that the catalog outgrows 64 KiB many times over. */
static void grow_name(char *buf, size_t cap, int k, int i)
{
    snprintf(buf, cap,
             "grow%d/a_rather_long_name_so_that_the_catalog_fills_its_map_"
             "quickly_%05d",
             k, i);
}

/* Shared by the parent, creators and readers. */
struct grow_shared {
    int creators_done;    /* set once every creator has exited */
    long rounds[READERS]; /* lists each reader has done; huge once it ends */
};
static struct grow_shared *grow;

/*
 * Creator 0 waits, every CHECKPOINT names, until each reader has listed
 * the catalog once more: so readers demonstrably work between growths,
 * not only before or after them.  The wait is bounded (a hang guard).
 */
enum { CHECKPOINT = 200 };
#define READER_ENDED (LONG_MAX / 2)

static int readers_caught_up(void)
{
    long seen[READERS];
    for (int r = 0; r < READERS; r++)
        seen[r] = __atomic_load_n(&grow->rounds[r], __ATOMIC_SEQ_CST);
    for (int r = 0; r < READERS; r++)
        for (int ms = 0;
             seen[r] < READER_ENDED &&
             __atomic_load_n(&grow->rounds[r], __ATOMIC_SEQ_CST) <= seen[r];
             ms++) {
            if (ms == WAIT_MS)
                return test_child_fail(72, "reader %d is stuck", r);
            test_nap_us(1000);
        }
    return 0;
}

static int grow_creator(int k, void *arg)
{
    bool with_arrays = arg != NULL;
    ndshm_store *st;
    int rc = open_and_wait_for_go(&st);
    if (rc != 0)
        return rc;
    char base[32];
    snprintf(base, sizeof base, "grow%d/base", k);
    const int64_t shape[1] = {16};
    int64_t seven = 7;
    if (with_arrays &&
        ndshm_array_create(st, base, NDSHM_INT64, 1, shape, &seven, 0) != 0)
        return test_child_lib_fail(70, "cannot create %s", base);
    for (int i = 0; i < PER_CREATOR; i++) {
        char name[NDSHM_NAME_MAX + 1];
        if (k == 0 && i % CHECKPOINT == 0 && (rc = readers_caught_up()) != 0)
            return rc;
        grow_name(name, sizeof name, k, i);
        rc = with_arrays && i % ARRAY_EVERY == 0
                 ? ndshm_array_create(st, name, NDSHM_INT64, 1, shape, &seven,
                                      0)
                 : ndshm_view_create(st, name, base, 0);
        if (rc != 0)
            return test_child_lib_fail(71,
                                       "create %s (name %d) failed with %s",
                                       name, i, ndshm_errname(rc));
    }
    ndshm_store_close(st);
    return 0;
}

struct reader_state {
    ndshm_store *st;
    int count;
    char last[NDSHM_NAME_MAX + 1];
};

static int count_name(const char *name, void *ctx)
{
    struct reader_state *r = ctx;
    r->count++;
    if (strncmp(name, "grow", 4) == 0 && strstr(name, "/base") == NULL)
        strcpy(r->last, name);
    return 0;
}

/* Every element of a name made by a creator is 7. */
static int read_sevens(ndshm_store *st, const char *name)
{
    ndshm_array *a;
    int rc = ndshm_array_open(&a, st, name, NDSHM_READONLY);
    if (rc != 0)
        return test_child_lib_fail(80, "cannot open listed '%s'", name);
    int64_t buf[16];
    if (ndshm_array_size(a) != 16 || ndshm_array_read(a, buf, NULL) != 0)
        rc = test_child_lib_fail(81, "cannot read '%s'", name);
    for (int i = 0; rc == 0 && i < 16; i++)
        if (buf[i] != 7)
            rc = test_child_fail(82, "'%s'[%d] is %lld, not 7", name, i,
                                 (long long)buf[i]);
    ndshm_array_close(a);
    return rc;
}

static int grow_reader_rounds(int k);

static int grow_reader(int k, void *arg)
{
    (void)arg;
    int rc = grow_reader_rounds(k);
    /* Ended: creator 0 must not wait for this reader any more. */
    __atomic_store_n(&grow->rounds[k], READER_ENDED, __ATOMIC_SEQ_CST);
    return rc;
}

static int grow_reader_rounds(int k)
{
    struct reader_state r = {NULL, 0, ""};
    int rc = open_and_wait_for_go(&r.st);
    if (rc != 0)
        return rc;
    int before = 0;
    long rounds = 0;
    for (bool last_round = false; rc == 0; rounds++) {
        /* Reader 0 opens the store afresh every round: a process that
         * opens it while others grow it must adopt their map size too.
         * The others keep one handle throughout. */
        if (k == 0 && rounds > 0) {
            ndshm_store_close(r.st);
            if (ndshm_store_open(&r.st, store_dir, 0) != 0)
                return test_child_lib_fail(
                    86, "cannot open the store (round %ld)", rounds);
        }
        /* Read the flag first: the list after it sees every name. */
        last_round = __atomic_load_n(&grow->creators_done, __ATOMIC_SEQ_CST);
        r.count = 0;
        r.last[0] = '\0';
        rc = ndshm_list(r.st, count_name, &r);
        if (rc != 0) {
            rc = test_child_lib_fail(83, "list failed with %s (round %ld)",
                                     ndshm_errname(rc), rounds);
            break;
        }
        /* Only names are added: one snapshot never has fewer than an
         * earlier one. */
        if (r.count < before) {
            rc = test_child_fail(84, "list gave %d names after %d", r.count,
                                 before);
            break;
        }
        before = r.count;
        if (r.last[0] != '\0')
            rc = read_sevens(r.st, r.last);
        __atomic_add_fetch(&grow->rounds[k], 1, __ATOMIC_SEQ_CST);
        if (last_round)
            break;
    }
    int want = CREATORS * (PER_CREATOR + 1);
    if (rc == 0 && before != want)
        rc = test_child_fail(85, "the last list gave %d names, not %d", before,
                             want);
    ndshm_store_close(r.st);
    return rc;
}

/*
 * Creators add names while readers list and read; each create must
 * succeed, each reader keep working.  with_arrays, the store starts with
 * a 64 KiB map and the creators make their base arrays and every
 * ARRAY_EVERY-th name an array.  Without, the parent makes the base
 * arrays first, with the default map, and the creators make views only
 * (no data file) in processes that each start with a 64 KiB map.
 */
static void run_map_growth(bool with_arrays)
{
    if (with_arrays) {
        /* Before any store is opened in this process or its children. */
        ndshm__catalog_map_size = GROW_MAP;
        ndshm_store_close(test_scratch_store(&store_dir));
    } else {
        ndshm_store *st = test_scratch_store(&store_dir);
        const int64_t shape[1] = {16};
        int64_t seven = 7;
        for (int k = 0; k < CREATORS; k++) {
            char base[32];
            snprintf(base, sizeof base, "grow%d/base", k);
            ck_assert_int_eq(
                ndshm_array_create(st, base, NDSHM_INT64, 1, shape, &seven, 0),
                0);
        }
        ndshm_store_close(st); /* the last handle: its map goes too */
        ndshm__catalog_map_size = GROW_MAP;
    }
    grow = mmap(NULL, sizeof *grow, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert(grow != MAP_FAILED);
    memset(grow, 0, sizeof *grow);
    test_pipe(go_pipe);
    pid_t creators[CREATORS], readers[READERS];
    for (int k = 0; k < CREATORS; k++)
        creators[k] = spawn(grow_creator, k, with_arrays ? "arrays" : NULL);
    for (int k = 0; k < READERS; k++)
        readers[k] = spawn(grow_reader, k, NULL);
    close(go_pipe[0]);
    close(go_pipe[1]);
    int cstatus[CREATORS], rstatus[READERS];
    reap_all(creators, CREATORS, cstatus);
    __atomic_store_n(&grow->creators_done, 1, __ATOMIC_SEQ_CST);
    reap_all(readers, READERS, rstatus);
    for (int k = 0; k < CREATORS; k++)
        test_exit_ok(cstatus[k], "a creator");
    for (int k = 0; k < READERS; k++)
        test_exit_ok(rstatus[k], "a reader");

    /* The map grew: the committed data is far beyond 64 KiB, which LMDB
     * writes only through a map that large. */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/catalog.mdb", store_dir);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_msg(sb.st_size > 8 * GROW_MAP, "catalog.mdb is %lld bytes",
                  (long long)sb.st_size);
    MDB_env *env;
    ck_assert_int_eq(mdb_env_create(&env), 0);
    ck_assert_int_eq(mdb_env_set_maxdbs(env, 4), 0);
    int mrc = mdb_env_open(env, path, MDB_NOSUBDIR | MDB_RDONLY, 0);
    ck_assert_msg(mrc == 0, "mdb_env_open: %s", mdb_strerror(mrc));
    MDB_envinfo info;
    MDB_stat mst;
    ck_assert_int_eq(mdb_env_info(env, &info), 0);
    ck_assert_int_eq(mdb_env_stat(env, &mst), 0);
    size_t used = (info.me_last_pgno + 1) * (size_t)mst.ms_psize;
    ck_assert_msg(used > 8 * GROW_MAP, "the catalog uses %zu bytes", used);
    mdb_env_close(env);

    /* Every name is there and opens; the store is consistent. */
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, store_dir, 0), 0);
    for (int k = 0; k < CREATORS; k++)
        for (int i = 0; i < PER_CREATOR; i++) {
            char name[NDSHM_NAME_MAX + 1];
            grow_name(name, sizeof name, k, i);
            ck_assert_int_eq(read_sevens(st, name), 0);
        }
    int arrays =
        with_arrays ? (PER_CREATOR + ARRAY_EVERY - 1) / ARRAY_EVERY : 0;
    ck_assert_int_eq(test_count_data_files(store_dir),
                     CREATORS * (1 + arrays));
    test_fsck_clean(st);
    ndshm_store_close(st);
    munmap(grow, sizeof *grow);
    test_store_remove(store_dir);
    store_dir = NULL;
}

START_TEST(map_growth_views)
{
    run_map_growth(false);
}
END_TEST

START_TEST(map_growth)
{
    run_map_growth(true);
}
END_TEST

/*
 * The same in one process, deterministically: every create of an array
 * that fills the map must grow it and succeed (the data file it had
 * already linked included).
 */
START_TEST(map_growth_arrays)
{
    ndshm__catalog_map_size = GROW_MAP;
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    const int64_t shape[1] = {16};
    int64_t seven = 7;
    enum { N = 400 };
    for (int i = 0; i < N; i++) {
        char name[NDSHM_NAME_MAX + 1];
        grow_name(name, sizeof name, 9, i);
        int rc =
            ndshm_array_create(st, name, NDSHM_INT64, 1, shape, &seven, 0);
        ck_assert_msg(rc == 0, "create %d failed with %s: %s", i,
                      ndshm_errname(rc), ndshm_errmsg());
    }
    ck_assert_int_eq(test_count_data_files(dir), N);
    for (int i = 0; i < N; i++) {
        char name[NDSHM_NAME_MAX + 1];
        grow_name(name, sizeof name, 9, i);
        ck_assert_int_eq(read_sevens(st, name), 0);
    }
    test_fsck_clean(st);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

/* The map size the library starts with, restored before each map test so
 * that one test's lowering does not carry over (with CK_FORK=no). */
static size_t default_map_size;

static void restore_map_size(void)
{
    ndshm__catalog_map_size = default_map_size;
}

static Suite *races_suite(void)
{
    Suite *s = suite_create("races");
    TCase *tc = test_dir_tcase("same name", 60);
    tcase_add_test(tc, same_name_lib);
    tcase_add_test(tc, same_name_barrier);
    tcase_add_test(tc, same_name_cli);
    suite_add_tcase(s, tc);
    tc = test_dir_tcase("random operations", 60);
    tcase_add_test(tc, random_ops);
    suite_add_tcase(s, tc);
    tc = test_dir_tcase("map growth", 60);
    tcase_add_checked_fixture(tc, restore_map_size, restore_map_size);
    tcase_add_test(tc, map_growth_arrays);
    tcase_add_test(tc, map_growth_views);
    tcase_add_test(tc, map_growth);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    default_map_size = ndshm__catalog_map_size;
    return test_run_suite(races_suite(), CK_NORMAL);
}
