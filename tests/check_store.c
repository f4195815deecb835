/*
 * check_store.c -- lib/store.c: choosing, creating and opening a store
 * directory ($NDSHM_STORE, relative paths, bad paths, flags), and the
 * process-wide registry that shares one LMDB environment per directory
 * between store and array handles -- including after fork().
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "ndshm.h"
#include "store.h"
#include "suites.h"
#include "testproc.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char *join(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *p = malloc(len);
    ck_assert_ptr_nonnull(p);
    snprintf(p, len, "%s/%s", a, b);
    return p;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static char *real(const char *path)
{
    char buf[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(path, buf));
    char *p = strdup(buf);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Create a 1-d int64 array [0, 1, ..., n-1]. */
static void make_range(ndshm_store *st, const char *name, int64_t n)
{
    int64_t *v = malloc((size_t)n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int64_t i = 0; i < n; i++)
        v[i] = i;
    ck_assert_int_eq(ndshm_array_create_from_buffer(st, name, NDSHM_INT64, 1,
                                                    &n, v, NULL, 0),
                     0);
    free(v);
}

static int count_name(const char *name, void *ctx)
{
    (void)name;
    (*(int *)ctx)++;
    return 0;
}

static int count_names(ndshm_store *st)
{
    int n = 0;
    ck_assert_int_eq(ndshm_list(st, count_name, &n), 0);
    return n;
}

/* ---- opening ------------------------------------------------------------ */

START_TEST(open_creates_layout)
{
    char *dir = test_scratch_dir();
    char *sub = join(dir, "store");
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, sub, 0), 0);
    ck_assert_ptr_nonnull(st);
    ck_assert(is_dir(sub));
    char *data = join(sub, "data");
    char *cat = join(sub, "catalog.mdb");
    ck_assert(is_dir(data));
    ck_assert(exists(cat));
    char *want = real(sub);
    ck_assert_str_eq(ndshm_store_path(st), want);
    ck_assert_int_eq(count_names(st), 0);
    ndshm_store_close(st);

    /* opening an existing store keeps what is in it */
    ck_assert_int_eq(ndshm_store_open(&st, sub, 0), 0);
    make_range(st, "x", 4);
    ndshm_store_close(st);
    ck_assert_int_eq(ndshm_store_open(&st, sub, 0), 0);
    ck_assert_int_eq(count_names(st), 1);
    ndshm_store_close(st);
    free(want);
    free(cat);
    free(data);
    free(sub);
    test_store_remove(dir);
}
END_TEST

START_TEST(open_existing_empty_dir)
{
    char *dir = test_scratch_dir(); /* exists already, empty */
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    char *data = join(dir, "data");
    ck_assert(is_dir(data));
    ndshm_store_close(st);
    free(data);
    test_store_remove(dir);
}
END_TEST

/* An empty catalog.mdb with no data files is a store being made (LMDB
 * creates the file before it writes it): it opens, and works. */
START_TEST(empty_catalog_of_a_new_store)
{
    char *dir = test_scratch_dir();
    char *data = join(dir, "data"), *cat = join(dir, "catalog.mdb");
    ck_assert_int_eq(mkdir(data, 0700), 0);
    FILE *f = fopen(cat, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ndshm_store *st;
    ck_assert_msg(ndshm_store_open(&st, dir, 0) == 0, "%s", ndshm_errmsg());
    make_range(st, "a", 4);
    ck_assert_int_eq(count_names(st), 1);
    ndshm_store_close(st);
    free(data);
    free(cat);
    test_store_remove(dir);
}
END_TEST

START_TEST(relative_dir_made_absolute)
{
    char *dir = test_scratch_dir();
    char cwd[PATH_MAX];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(dir), 0);
    ndshm_store *st;
    int rc = ndshm_store_open(&st, "rel", 0);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(chdir(cwd), 0);

    char *sub = join(dir, "rel");
    char *want = real(sub);
    const char *path = ndshm_store_path(st);
    ck_assert_msg(path[0] == '/', "not absolute: %s", path);
    ck_assert_str_eq(path, want);
    /* it still works from another directory */
    make_range(st, "r", 3);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "r", 0), 0);
    ck_assert_msg(ndshm_array_path(a)[0] == '/', "%s", ndshm_array_path(a));
    ck_assert(exists(ndshm_array_path(a)));
    ndshm_array_close(a);
    ndshm_store_close(st);

    /* "." and ".." spellings resolve too */
    ck_assert_int_eq(chdir(sub), 0);
    ck_assert_int_eq(ndshm_store_open(&st, "../rel/.", 0), 0);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_str_eq(ndshm_store_path(st), want);
    ck_assert_int_eq(count_names(st), 1);
    ndshm_store_close(st);
    free(want);
    free(sub);
    test_store_remove(dir);
}
END_TEST

START_TEST(null_dir_uses_env)
{
    char *dir = test_scratch_dir();
    char *sub = join(dir, "from_env");
    ck_assert_int_eq(setenv("NDSHM_STORE", sub, 1), 0);
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, NULL, 0), 0);
    ck_assert(is_dir(sub));
    char *data = join(sub, "data");
    ck_assert(is_dir(data));
    char *want = real(sub);
    ck_assert_str_eq(ndshm_store_path(st), want);
    make_range(st, "e", 2);
    ndshm_store_close(st);

    /* the same store by its explicit name */
    ck_assert_int_eq(ndshm_store_open(&st, sub, 0), 0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "e", 0), 0);
    ndshm_array_close(a);
    ndshm_store_close(st);
    unsetenv("NDSHM_STORE");
    free(want);
    free(data);
    free(sub);
    test_store_remove(dir);
}
END_TEST

START_TEST(default_dir_choice)
{
    /* computed only: nothing is created in the real default location */
    char want[64];
    struct stat sb;
    if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode))
        snprintf(want, sizeof want, "/dev/shm/ndshm-%lu",
                 (unsigned long)getuid());
    else
        snprintf(want, sizeof want, "%s/ndshm-%lu",
                 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
                                                       : "/tmp",
                 (unsigned long)getuid());
    unsetenv("NDSHM_STORE");
    char *p = ndshm__default_store_dir();
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, want);
    free(p);
    setenv("NDSHM_STORE", "", 1); /* empty means unset */
    p = ndshm__default_store_dir();
    ck_assert_str_eq(p, want);
    free(p);
    setenv("NDSHM_STORE", "/somewhere/else", 1);
    p = ndshm__default_store_dir();
    ck_assert_str_eq(p, "/somewhere/else");
    free(p);
    unsetenv("NDSHM_STORE");
}
END_TEST

START_TEST(bad_dirs)
{
    char *dir = test_scratch_dir();
    ndshm_store *st = (ndshm_store *)0x1;

    /* a path that is a file */
    char *file = join(dir, "plain");
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_lt(ndshm_store_open(&st, file, 0), 0);
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(ndshm_errmsg(), file) != NULL, "%s", ndshm_errmsg());

    /* a parent that does not exist: only the last component is made */
    char *deep = join(dir, "no/such/parent");
    st = (ndshm_store *)0x1;
    ck_assert_int_lt(ndshm_store_open(&st, deep, 0), 0);
    ck_assert_ptr_null(st);
    char *no = join(dir, "no");
    ck_assert(!exists(no));

    /* a store whose directory is under a file */
    char *under = join(file, "store");
    ck_assert_int_lt(ndshm_store_open(&st, under, 0), 0);
    ck_assert_ptr_null(st);

    /* empty */
    st = (ndshm_store *)0x1;
    ck_assert_int_eq(ndshm_store_open(&st, "", 0), NDSHM_EINVAL);
    ck_assert_ptr_null(st);

    /* data/ is a file */
    char *sub = join(dir, "s");
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    char *data = join(sub, "data");
    f = fopen(data, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_lt(ndshm_store_open(&st, sub, 0), 0);
    ck_assert_ptr_null(st);

    free(data);
    free(sub);
    free(under);
    free(no);
    free(deep);
    free(file);
    test_store_remove(dir);
}
END_TEST

START_TEST(flags_must_be_zero)
{
    char *dir = test_scratch_dir();
    char *sub = join(dir, "s");
    ndshm_store *st = (ndshm_store *)0x1;
    ck_assert_int_eq(ndshm_store_open(&st, sub, 1), NDSHM_EINVAL);
    ck_assert_ptr_null(st);
    ck_assert_int_eq(ndshm_store_open(&st, sub, 0x80000000u), NDSHM_EINVAL);
    ck_assert(!exists(sub)); /* refused before touching anything */
    ndshm_store_close(NULL); /* a no-op */
    free(sub);
    test_store_remove(dir);
}
END_TEST

/* ---- one environment per directory -------------------------------------- */

START_TEST(same_dir_shares_env)
{
    char *dir = test_scratch_dir();
    ndshm_store *s1, *s2, *s3;
    ck_assert_int_eq(ndshm_store_open(&s1, dir, 0), 0);
    ck_assert_int_eq(ndshm_store_open(&s2, dir, 0), 0);
    ck_assert_ptr_ne(s1, s2);
    ck_assert_ptr_eq(s1->env, s2->env);
    ck_assert_int_eq(s1->env->refs, 2);

    /* another spelling of the same directory */
    char *dotted = join(dir, ".");
    ck_assert_int_eq(ndshm_store_open(&s3, dotted, 0), 0);
    ck_assert_ptr_eq(s3->env, s1->env);
    ndshm_store_close(s3);

    /* both handles work, and see each other's changes */
    make_range(s1, "one", 5);
    make_range(s2, "two", 6);
    ck_assert_int_eq(count_names(s1), 2);
    ck_assert_int_eq(count_names(s2), 2);

    /* closing one leaves the other usable */
    ndshm_store_close(s1);
    ck_assert_int_eq(s2->env->refs, 1);
    make_range(s2, "three", 1);
    ck_assert_int_eq(count_names(s2), 3);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, s2, "one", 0), 0);
    ck_assert_int_eq(ndshm_array_shape(a)[0], 5);
    ndshm_array_close(a);
    ndshm_store_close(s2);
    free(dotted);
    test_store_remove(dir);
}
END_TEST

START_TEST(different_dirs_different_envs)
{
    char *d1 = test_scratch_dir(), *d2 = test_scratch_dir();
    ndshm_store *s1, *s2;
    ck_assert_int_eq(ndshm_store_open(&s1, d1, 0), 0);
    ck_assert_int_eq(ndshm_store_open(&s2, d2, 0), 0);
    ck_assert_ptr_ne(s1->env, s2->env);
    make_range(s1, "x", 2);
    ck_assert_int_eq(count_names(s1), 1);
    ck_assert_int_eq(count_names(s2), 0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, s2, "x", 0), NDSHM_ENOTFOUND);
    ndshm_store_close(s1);
    ndshm_store_close(s2);
    test_store_remove(d1);
    test_store_remove(d2);
}
END_TEST

START_TEST(arrays_outlive_store_handle)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    make_range(st, "a", 8);
    ck_assert_int_eq(ndshm_view_create(st, "v", "a[::2]", 0), 0);
    ndshm_array *a, *v;
    ck_assert_int_eq(ndshm_array_open(&a, st, "a", 0), 0);
    ck_assert_int_eq(ndshm_array_open(&v, st, "v", 0), 0);
    struct ndshm_env *env = st->env;
    ndshm_store_close(st); /* the last store handle */
    ck_assert_int_eq(env->refs, 2);

    /* the arrays still read, write and report themselves */
    int64_t got[8];
    ck_assert_int_eq(ndshm_array_read(a, got, NULL), 0);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(got[i], i);
    const int64_t vals[4] = {-1, -2, -3, -4};
    uint64_t ver = ndshm_array_version(a);
    ck_assert_int_eq(ndshm_array_write(v, vals, NULL), 0);
    ck_assert_uint_eq(ndshm_array_version(a), ver + 1);
    ck_assert_int_eq(ndshm_array_read(a, got, NULL), 0);
    ck_assert_int_eq(got[0], -1);
    ck_assert_int_eq(got[2], -2);
    ck_assert_int_eq(got[7], 7);
    ck_assert(exists(ndshm_array_path(a)));
    ck_assert_str_eq(ndshm_array_name(v), "v");
    ck_assert_str_eq(ndshm_array_base(v), "a");

    /* a new store handle joins the environment the arrays keep */
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ck_assert_ptr_eq(st->env, env);
    ck_assert_int_eq(count_names(st), 2);
    ndshm_store_close(st);
    ndshm_array_close(a);
    ndshm_array_close(v);
    test_store_remove(dir);
}
END_TEST

/* Closing everything frees the environment; the next open makes a new one. */
START_TEST(env_freed_and_reopened)
{
    char *dir = test_scratch_dir();
    ndshm_store *st;
    for (int round = 0; round < 20; round++) {
        ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
        ck_assert_int_eq(st->env->refs, 1);
        char name[16];
        snprintf(name, sizeof name, "n%d", round);
        make_range(st, name, 1);
        ck_assert_int_eq(count_names(st), round + 1);
        ndshm_store_close(st);
    }
    test_store_remove(dir);
}
END_TEST

/* ---- fork --------------------------------------------------------------- */

/*
 * "Handles must not be carried across fork(); open them again in the
 * child."  LMDB forbids using an environment opened by the parent, so a
 * store opened again in the child must be a new environment of the child's
 * own, not the one inherited from the parent's registry.
 */
START_TEST(fork_child_gets_own_env)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    make_range(st, "a", 4);
    struct ndshm_env *parent_env = st->env;
    MDB_env *parent_mdb = st->env->cat.env;

    pid_t pid = test_fork();
    if (pid == 0) {
        ndshm_store *cst;
        if (ndshm_store_open(&cst, dir, 0) != 0)
            _exit(10);
        int shared = cst->env == parent_env || cst->env->cat.env == parent_mdb;
        ndshm_array *a;
        if (ndshm_array_open(&a, cst, "a", 0) != 0)
            _exit(11);
        ((int64_t *)ndshm_array_data(a))[3] = 33;
        ndshm_array_close(a);
        ndshm_store_close(cst);
        _exit(shared ? 12 : 0);
    }
    int code = test_exit_code(test_wait(pid), "the child");
    ck_assert_msg(code != 12,
                  "the child's ndshm_store_open returned the LMDB "
                  "environment the parent opened (inherited across fork)");
    ck_assert_int_eq(code, 0);

    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "a", 0), 0);
    ck_assert_int_eq(((int64_t *)ndshm_array_data(a))[3], 33);
    ndshm_array_close(a);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

struct snapshot_walk {
    int n;
    int go_fd, ready_fd; /* child: waits on go_fd, tells ready_fd */
    int bad;
    char first[32];
};

static int snapshot_step(const char *name, void *ctx)
{
    struct snapshot_walk *w = ctx;
    /* every name of the snapshot is "old_NNN" */
    if (strncmp(name, "old_", 4) != 0)
        w->bad++;
    if (w->n == 0) {
        snprintf(w->first, sizeof w->first, "%s", name);
        /* hold the snapshot open while the parent rewrites the catalog */
        if (test_send_byte(w->ready_fd) != 0 ||
            test_wait_byte(w->go_fd, TEST_GUARD_MS) != 0)
            w->bad += 1000;
    }
    w->n++;
    return 0;
}

/*
 * The consequence of sharing the parent's environment after fork: the
 * child's read transaction is registered under the parent's pid, so when
 * the parent closes its store, its slot is cleared and writers may reuse
 * the pages of the child's snapshot.  ndshm_list promises "one consistent
 * snapshot of the catalog".
 */
START_TEST(fork_child_snapshot_survives_parent)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    enum { OLD = 300 };
    int64_t one = 1;
    for (int i = 0; i < OLD; i++) {
        char name[32];
        snprintf(name, sizeof name, "old_%03d", i);
        ck_assert_int_eq(
            ndshm_array_create(st, name, NDSHM_INT8, 1, &one, NULL, 0), 0);
    }
    int go[2], ready[2];
    test_pipe(go);
    test_pipe(ready);
    pid_t pid = test_fork();
    if (pid == 0) {
        close(go[1]);
        close(ready[0]);
        ndshm_store *cst;
        if (ndshm_store_open(&cst, dir, 0) != 0)
            _exit(10);
        struct snapshot_walk w = {0, go[0], ready[1], 0, ""};
        int rc = ndshm_list(cst, snapshot_step, &w);
        if (rc != 0)
            fprintf(stderr, "child: ndshm_list: %s\n", ndshm_errmsg());
        else if (w.bad || w.n != OLD)
            fprintf(stderr,
                    "child: walked %d names, %d not in the "
                    "snapshot\n",
                    w.n, w.bad);
        ndshm_store_close(cst);
        if (rc != 0)
            _exit(11);
        if (w.bad)
            _exit(12);
        _exit(w.n == OLD ? 0 : 13);
    }
    close(go[0]);
    close(ready[1]);
    ck_assert_int_eq(test_wait_byte(ready[0], TEST_GUARD_MS), 0);

    /* the child is inside its snapshot: close, reopen, rewrite everything */
    ndshm_store_close(st);
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < OLD; i++) {
            char name[32];
            snprintf(name, sizeof name, "old_%03d", i);
            ndshm_remove(st, name);
            snprintf(name, sizeof name, "new%d_%03d", round, i);
            ck_assert_int_eq(
                ndshm_array_create(st, name, NDSHM_INT8, 1, &one, NULL, 0), 0);
        }
    ck_assert_int_eq(test_send_byte(go[1]), 0);
    int code = test_exit_code(test_wait(pid), "the child");
    ck_assert_msg(code == 0,
                  "the child's ndshm_list did not walk one consistent "
                  "snapshot (exit %d)",
                  code);
    close(go[1]);
    close(ready[0]);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

static int hold_snapshot(const char *name, void *ctx)
{
    (void)name;
    if (test_send_byte(*(int *)ctx) != 0)
        return 1;
    pause(); /* killed here, inside its read transaction */
    return 0;
}

struct reader_scan {
    pid_t pid;
    int found;
};

static int scan_reader(const char *line, void *ctx)
{
    struct reader_scan *r = ctx;
    long pid;
    if (sscanf(line, " %ld", &pid) == 1 && pid == (long)r->pid)
        r->found++;
    return 0;
}

/* "Slots of the LMDB reader table left by dead processes are cleared" */
START_TEST(dead_readers_cleared)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    make_range(st, "a", 1);
    ndshm_store_close(st);

    int ready[2];
    test_pipe(ready);
    pid_t pid = test_fork();
    if (pid == 0) {
        ndshm_store *cst;
        if (ndshm_store_open(&cst, dir, 0) != 0)
            _exit(10);
        ndshm_list(cst, hold_snapshot, &ready[1]);
        _exit(11);
    }
    ck_assert_int_eq(test_wait_byte(ready[0], TEST_GUARD_MS), 0);
    test_kill_and_reap(pid, "the child holding a snapshot");

    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    struct reader_scan r = {pid, 0};
    ck_assert_int_ge(mdb_reader_list(st->env->cat.env, scan_reader, &r), 0);
    ck_assert_msg(r.found == 0, "the dead child's reader slot is still "
                                "there");
    int dead = -1;
    ck_assert_int_eq(mdb_reader_check(st->env->cat.env, &dead), 0);
    ck_assert_int_eq(dead, 0);
    test_pipe_close(ready);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

/* A child that opens the store only after fork, with no parent handle open. */
START_TEST(fork_without_parent_handle)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    make_range(st, "a", 4);
    ndshm_store_close(st);

    pid_t pid = test_fork();
    if (pid == 0) {
        ndshm_store *cst;
        ndshm_array *a;
        if (ndshm_store_open(&cst, dir, 0) != 0 ||
            ndshm_array_open(&a, cst, "a", 0) != 0)
            _exit(10);
        ((int64_t *)ndshm_array_data(a))[0] = 99;
        ndshm_array_notify(a);
        ndshm_array_close(a);
        int rc = ndshm_view_create(cst, "made_by_child", "a[1:]", 0);
        ndshm_store_close(cst);
        _exit(rc == 0 ? 0 : 11);
    }
    test_wait_ok(pid, "the child");
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "made_by_child", 0), 0);
    ck_assert_int_eq(ndshm_array_shape(a)[0], 3);
    ndshm_array_close(a);
    ck_assert_int_eq(ndshm_array_open(&a, st, "a", 0), 0);
    ck_assert_int_eq(((int64_t *)ndshm_array_data(a))[0], 99);
    ck_assert_uint_eq(ndshm_array_version(a), 1);
    ndshm_array_close(a);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = test_dir_tcase("open", 30);
    tcase_add_test(tc, open_creates_layout);
    tcase_add_test(tc, open_existing_empty_dir);
    tcase_add_test(tc, empty_catalog_of_a_new_store);
    tcase_add_test(tc, relative_dir_made_absolute);
    tcase_add_test(tc, null_dir_uses_env);
    tcase_add_test(tc, default_dir_choice);
    tcase_add_test(tc, bad_dirs);
    tcase_add_test(tc, flags_must_be_zero);
    suite_add_tcase(s, tc);

    tc = test_dir_tcase("registry", 30);
    tcase_add_test(tc, same_dir_shares_env);
    tcase_add_test(tc, different_dirs_different_envs);
    tcase_add_test(tc, arrays_outlive_store_handle);
    tcase_add_test(tc, env_freed_and_reopened);
    suite_add_tcase(s, tc);

    tc = test_dir_tcase("fork", 60);
    tcase_add_test(tc, fork_without_parent_handle);
    tcase_add_test(tc, dead_readers_cleared);
    tcase_add_test(tc, fork_child_gets_own_env);
    tcase_add_test(tc, fork_child_snapshot_survives_parent);
    suite_add_tcase(s, tc);
    return s;
}
