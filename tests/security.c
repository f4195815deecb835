/*
 * security.c -- a store no one else can subvert.
 *
 *  - what ndshm makes is private (directories 0700, files 0600) whatever
 *    the umask, or the group's (2770, 0660) in a store whose directory
 *    grants its group rwx;
 *  - a store directory writable by others, or someone else's and not
 *    shared, is refused;
 *  - a symbolic link, FIFO, misplaced file or another user's file where
 *    ndshm expects its own (data/, the catalog's two files, a data file)
 *    is refused with NDSHM_EUNSAFE and left as it was, and never blocks;
 *  - the default store's well-known name planted as a symbolic link is
 *    refused (in a private mount namespace with a tmpfs on /dev/shm);
 *  - no name addresses a path outside the store;
 *  - a read-only handle's data is mapped PROT_READ: a store through it
 *    faults.
 *
 * Opens of data files run in fresh children: the parent's mapping cache
 * would otherwise answer without opening anything.  Tests that need
 * another user (chown) or a mount namespace need root, and say so when
 * they skip.
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

#define NOBODY 65534

static char *join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);
    ck_assert_ptr_nonnull(p);
    sprintf(p, "%s/%s", a, b);
    return p;
}

static mode_t mode_of(const char *path)
{
    struct stat sb;
    ck_assert_msg(lstat(path, &sb) == 0, "lstat %s: %s", path,
                  strerror(errno));
    return sb.st_mode & 07777;
}

/* The open fails with NDSHM_EUNSAFE and a message holding fragment. */
static void open_refused(const char *dir, const char *fragment)
{
    ndshm_store *st = NULL;
    int rc = ndshm_store_open(&st, dir, 0);
    ck_assert_msg(rc == NDSHM_EUNSAFE, "store_open %s: %d (%s), want EUNSAFE",
                  dir, rc, rc ? ndshm_errmsg() : "it opened");
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(ndshm_errmsg(), fragment) != NULL,
                  "message '%s' lacks '%s'", ndshm_errmsg(), fragment);
}

/* A store in a new directory with one array "a" of 16 int64; returns the
 * store directory and, in *data_file, the array's data file. */
static char *store_with_array(char **data_file)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    const int64_t shape[1] = {16};
    ck_assert_int_eq(ndshm_array_create(st, "a", NDSHM_INT64, 1, shape, NULL,
                                        0),
                     0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "a", 0), 0);
    *data_file = strdup(ndshm_array_path(a));
    ndshm_array_close(a);
    ndshm_store_close(st);
    return dir;
}

static bool is_root(void)
{
    return geteuid() == 0;
}

/* ---- modes -------------------------------------------------------------- */

static void check_private_modes(mode_t umask_value)
{
    char *dir = test_scratch_dir();
    char *sub = join(dir, "s");
    mode_t old = umask(umask_value);
    ndshm_store *st;
    int rc = ndshm_store_open(&st, sub, 0);
    const int64_t shape[1] = {4};
    if (rc == 0)
        rc = ndshm_array_create(st, "x", NDSHM_INT8, 1, shape, NULL, 0);
    umask(old);
    ck_assert_msg(rc == 0, "%s", ndshm_errmsg());
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "x", 0), 0);
    char *data = join(sub, "data"), *cat = join(sub, "catalog.mdb"),
         *lock = join(sub, "catalog.mdb-lock");
    ck_assert_uint_eq(mode_of(sub), 0700);
    ck_assert_uint_eq(mode_of(data), 0700);
    ck_assert_uint_eq(mode_of(cat), 0600);
    ck_assert_uint_eq(mode_of(lock), 0600);
    ck_assert_uint_eq(mode_of(ndshm_array_path(a)), 0600);
    ndshm_array_close(a);
    ndshm_store_close(st);
    free(data);
    free(cat);
    free(lock);
    free(sub);
    test_store_remove(dir);
}

START_TEST(private_whatever_the_umask)
{
    check_private_modes(0);
    check_private_modes(022);
    check_private_modes(077);
}
END_TEST

/* A store made 2770 by its owner is the group's: so is all in it. */
START_TEST(shared_with_the_group)
{
    char *dir = test_scratch_dir();
    char *sub = join(dir, "team");
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    ck_assert_int_eq(chmod(sub, 02770), 0);
    struct stat top;
    ck_assert_int_eq(stat(sub, &top), 0);
    mode_t old = umask(077); /* would make everything private */
    ndshm_store *st;
    int rc = ndshm_store_open(&st, sub, 0);
    const int64_t shape[1] = {4};
    if (rc == 0)
        rc = ndshm_array_create(st, "x", NDSHM_INT8, 1, shape, NULL, 0);
    umask(old);
    ck_assert_msg(rc == 0, "%s", ndshm_errmsg());
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "x", 0), 0);
    char *data = join(sub, "data"), *cat = join(sub, "catalog.mdb"),
         *lock = join(sub, "catalog.mdb-lock");
    ck_assert_uint_eq(mode_of(data), 02770);
    ck_assert_uint_eq(mode_of(cat), 0660);
    ck_assert_uint_eq(mode_of(lock), 0660);
    ck_assert_uint_eq(mode_of(ndshm_array_path(a)), 0660);
    struct stat sb;
    ck_assert_int_eq(stat(ndshm_array_path(a), &sb), 0);
    ck_assert_uint_eq(sb.st_gid, top.st_gid);
    ndshm_array_close(a);
    ndshm_store_close(st);
    free(data);
    free(cat);
    free(lock);
    free(sub);
    test_store_remove(dir);
}
END_TEST

/* Modes its owner narrowed are kept: opening the store (which root may
 * do, through the permission bits; others are refused) widens nothing. */
START_TEST(narrowed_modes_kept)
{
    char *file;
    char *dir = store_with_array(&file);
    char *data = join(dir, "data"), *cat = join(dir, "catalog.mdb"),
         *lock = join(dir, "catalog.mdb-lock");
    ck_assert_int_eq(chmod(cat, 0400), 0);
    ck_assert_int_eq(chmod(lock, 0400), 0);
    ck_assert_int_eq(chmod(data, 0500), 0);
    ndshm_store *st = NULL;
    int rc = ndshm_store_open(&st, dir, 0);
    ck_assert_msg(is_root() ? rc == 0 : rc == NDSHM_ESYS, "store_open: %d %s",
                  rc, rc ? ndshm_errmsg() : "");
    if (st != NULL)
        ndshm_store_close(st);
    ck_assert_uint_eq(mode_of(cat), 0400);
    ck_assert_uint_eq(mode_of(lock), 0400);
    ck_assert_uint_eq(mode_of(data), 0500);
    ck_assert_int_eq(chmod(data, 0700), 0);
    free(data);
    free(cat);
    free(lock);
    free(file);
    test_store_remove(dir);
}
END_TEST

/* ---- the store directory -------------------------------------------------- */

static const mode_t open_modes[] = {0777, 0702, 01777};

/* Anyone could plant files in it: refused, and nothing made there. */
START_TEST(writable_by_others)
{
    char *dir = test_scratch_dir();
    ck_assert_int_eq(chmod(dir, open_modes[_i]), 0);
    open_refused(dir, "writable by other users");
    char *data = join(dir, "data"), *cat = join(dir, "catalog.mdb");
    ck_assert_int_eq(access(data, F_OK), -1);
    ck_assert_int_eq(access(cat, F_OK), -1);
    ck_assert_int_eq(chmod(dir, 0700), 0);
    free(data);
    free(cat);
    test_store_remove(dir);
}
END_TEST

START_TEST(someone_elses_private_store)
{
    if (!is_root()) {
        fprintf(stderr, "skipped someone_elses_private_store: needs root "
                        "to give a directory away\n");
        return;
    }
    char *dir = test_scratch_dir();
    ck_assert_int_eq(chown(dir, NOBODY, NOBODY), 0);
    open_refused(dir, "belongs to user 65534 and is not shared");
    ck_assert_int_eq(chown(dir, 0, 0), 0);
    test_store_remove(dir);
}
END_TEST

/* ---- entries planted inside --------------------------------------------- */

/* A file outside the store with known bytes, to see it is left alone. */
static char *bait(const char *dir)
{
    char *p = join(dir, "bait");
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a catalog\n", f);
    fclose(f);
    return p;
}

static void bait_untouched(const char *p)
{
    char buf[64] = {0};
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "not a catalog\n");
    ck_assert_uint_eq(mode_of(p), 0644 & ~(mode_t)022);
}

START_TEST(data_dir_is_a_symlink)
{
    char *dir = test_scratch_dir(), *elsewhere = test_scratch_dir();
    char *store = join(dir, "s"), *data = join(store, "data");
    ck_assert_int_eq(mkdir(store, 0700), 0);
    ck_assert_int_eq(symlink(elsewhere, data), 0);
    open_refused(store, "data is a symbolic link");
    ck_assert_int_eq(test_count_entries(elsewhere), 0);
    free(data);
    free(store);
    test_store_remove(elsewhere);
    test_store_remove(dir);
}
END_TEST

START_TEST(data_dir_is_a_file)
{
    char *dir = test_scratch_dir();
    char *data = join(dir, "data");
    int fd = open(data, O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    open_refused(dir, "data is a regular file, not a directory");
    free(data);
    test_store_remove(dir);
}
END_TEST

static const char *const catalog_names[] = {"catalog.mdb",
                                            "catalog.mdb-lock"};

START_TEST(catalog_file_is_a_symlink)
{
    char *dir = test_scratch_dir(), *elsewhere = test_scratch_dir();
    char *target = bait(elsewhere);
    char *link = join(dir, catalog_names[_i]);
    ck_assert_int_eq(symlink(target, link), 0);
    open_refused(dir, "is a symbolic link");
    bait_untouched(target);
    free(link);
    free(target);
    test_store_remove(elsewhere);
    test_store_remove(dir);
}
END_TEST

static int open_store_child(void *arg)
{
    ndshm_store *st;
    int rc = ndshm_store_open(&st, arg, 0);
    if (rc != NDSHM_EUNSAFE)
        return test_child_fail(60, "store_open: %d (%s)", rc,
                               rc ? ndshm_errmsg() : "it opened");
    if (strstr(ndshm_errmsg(), "is a FIFO") == NULL)
        return test_child_fail(61, "message: %s", ndshm_errmsg());
    return 0;
}

/* A FIFO where the catalog should be: refused at once, not a hang. */
START_TEST(catalog_file_is_a_fifo)
{
    char *dir = test_scratch_dir();
    char *fifo = join(dir, catalog_names[_i]);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    test_wait_ok(test_spawn_alarmed(open_store_child, dir, 10),
                 "opening a store with a FIFO for its catalog");
    free(fifo);
    test_store_remove(dir);
}
END_TEST

START_TEST(catalog_file_of_another_user)
{
    if (!is_root()) {
        fprintf(stderr, "skipped catalog_file_of_another_user: needs root\n");
        return;
    }
    char *dir = test_scratch_dir();
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ndshm_store_close(st);
    char *cat = join(dir, catalog_names[_i]);
    ck_assert_int_eq(chown(cat, NOBODY, NOBODY), 0);
    /* in a new process: this one keeps the environment it opened */
    pid_t pid = test_fork();
    if (pid == 0) {
        ndshm_store *s2;
        int rc = ndshm_store_open(&s2, dir, 0);
        _exit(rc == NDSHM_EUNSAFE &&
                      strstr(ndshm_errmsg(), "belongs to user 65534")
                  ? 0
                  : 62);
    }
    test_wait_ok(pid, "opening a store whose catalog is someone else's");
    free(cat);
    test_store_remove(dir);
}
END_TEST

/* ---- data files ------------------------------------------------------------ */

struct open_arg {
    const char *dir, *fragment;
};

static int open_array_child(void *arg)
{
    const struct open_arg *o = arg;
    ndshm_store *st;
    if (ndshm_store_open(&st, o->dir, 0) != 0)
        return test_child_lib_fail(63, "store_open");
    for (int ro = 0; ro < 2; ro++) {
        ndshm_array *a = NULL;
        int rc = ndshm_array_open(&a, st, "a", ro ? NDSHM_READONLY : 0);
        if (rc != NDSHM_EUNSAFE)
            return test_child_fail(64, "array_open: %d (%s)", rc,
                                   rc ? ndshm_errmsg() : "it opened");
        if (strstr(ndshm_errmsg(), o->fragment) == NULL)
            return test_child_fail(65, "message '%s' lacks '%s'",
                                   ndshm_errmsg(), o->fragment);
    }
    ndshm_store_close(st);
    return 0;
}

static void array_refused(const char *dir, const char *fragment)
{
    struct open_arg o = {dir, fragment};
    test_wait_ok(test_spawn_alarmed(open_array_child, &o, 10),
                 "opening an array whose data file was replaced");
}

START_TEST(data_file_is_a_symlink)
{
    char *file;
    char *dir = store_with_array(&file);
    char *elsewhere = test_scratch_dir();
    char *target = bait(elsewhere);
    ck_assert_int_eq(unlink(file), 0);
    ck_assert_int_eq(symlink(target, file), 0);
    array_refused(dir, "is a symbolic link");
    bait_untouched(target);
    free(target);
    free(file);
    test_store_remove(elsewhere);
    test_store_remove(dir);
}
END_TEST

START_TEST(data_file_is_a_fifo)
{
    char *file;
    char *dir = store_with_array(&file);
    ck_assert_int_eq(unlink(file), 0);
    ck_assert_int_eq(mkfifo(file, 0600), 0);
    array_refused(dir, "is a FIFO, not a regular file");
    free(file);
    test_store_remove(dir);
}
END_TEST

START_TEST(data_file_writable_by_others)
{
    char *file;
    char *dir = store_with_array(&file);
    ck_assert_int_eq(chmod(file, 0666), 0);
    array_refused(dir, "writable by other users");
    free(file);
    test_store_remove(dir);
}
END_TEST

START_TEST(data_file_of_another_user)
{
    if (!is_root()) {
        fprintf(stderr, "skipped data_file_of_another_user: needs root\n");
        return;
    }
    char *file;
    char *dir = store_with_array(&file);
    ck_assert_int_eq(chown(file, NOBODY, NOBODY), 0);
    array_refused(dir, "belongs to user 65534");
    free(file);
    test_store_remove(dir);
}
END_TEST

/* ---- the default store's name ------------------------------------------- */

static int default_store_child(void *arg)
{
    (void)arg;
    /* a private mount namespace with its own /dev/shm: nothing real is
     * touched */
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=1m,mode=1777") != 0)
        return 77;
    unsetenv("NDSHM_STORE");
    char name[64];
    snprintf(name, sizeof name, "/dev/shm/ndshm-%lu",
             (unsigned long)getuid());
    if (mkdir("/dev/shm/planted", 0700) != 0 ||
        symlink("/dev/shm/planted", name) != 0)
        return test_child_fail(66, "cannot plant %s", name);
    ndshm_store *st;
    int rc = ndshm_store_open(&st, NULL, 0);
    if (rc != NDSHM_EUNSAFE || !strstr(ndshm_errmsg(), "is a symbolic link"))
        return test_child_fail(67, "default store_open: %d (%s)", rc,
                               rc ? ndshm_errmsg() : "it opened");
    if (rmdir("/dev/shm/planted") != 0) /* nothing was made in it */
        return test_child_fail(68, "the planted directory is not empty");
    return 0;
}

START_TEST(default_store_is_a_symlink)
{
    pid_t pid = test_spawn_alarmed(default_store_child, NULL, 10);
    int status = test_wait(pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        fprintf(stderr, "skipped default_store_is_a_symlink: no private "
                        "mount namespace (needs root)\n");
        return;
    }
    test_exit_ok(status, "opening a planted default store");
}
END_TEST

/* ---- names ---------------------------------------------------------------- */

static const char *const escaping[] = {
    "../x", "..", "/x", "a/../b", "a/./b", "./a", "a//b", "x/..", "~/x",
    "a\\b",
};

/* No name reaches outside: refused, and the store's files keep to
 * data/<16 hex digits>.npy whatever the name. */
START_TEST(names_stay_inside)
{
    const int64_t shape[1] = {2};
    for (size_t i = 0; i < sizeof escaping / sizeof *escaping; i++) {
        int rc = ndshm_array_create(test_st, escaping[i], NDSHM_INT8, 1,
                                    shape, NULL, 0);
        ck_assert_msg(rc == NDSHM_EINVAL, "create '%s': %d", escaping[i], rc);
    }
    ck_assert_int_eq(ndshm_array_create(test_st, "deep/er/name", NDSHM_INT8,
                                        1, shape, NULL, 0),
                     0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "deep/er/name", 0), 0);
    const char *path = ndshm_array_path(a);
    char *data = join(test_dir, "data");
    ck_assert_int_eq(strncmp(path, data, strlen(data)), 0);
    const char *base = path + strlen(data) + 1;
    ck_assert_uint_eq(strlen(base), 20);
    ck_assert_uint_eq(strspn(base, "0123456789abcdef"), 16);
    ck_assert_str_eq(base + 16, ".npy");
    ndshm_array_close(a);
    free(data);
}
END_TEST

/* ---- read-only handles ------------------------------------------------------ */

static int store_through_readonly(void *arg)
{
    ndshm_array *a = arg;
    ((volatile int64_t *)ndshm_array_data(a))[0] = 1;
    return 0; /* not reached */
}

START_TEST(readonly_is_prot_read)
{
    const int64_t shape[1] = {4};
    ck_assert_int_eq(ndshm_array_create(test_st, "r", NDSHM_INT64, 1, shape,
                                        NULL, 0),
                     0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "r[1:]", NDSHM_READONLY),
                     0);
    int status = test_wait(test_spawn_alarmed(store_through_readonly, a, 10));
    ck_assert_msg(test_killed_by(status, SIGSEGV),
                  "a store through a read-only handle did not fault "
                  "(status 0x%x)",
                  status);
    int64_t v[3] = {-1, -1, -1};
    ck_assert_int_eq(ndshm_array_read(a, v, NULL), 0);
    ck_assert_int_eq(v[0], 0); /* the child's store did not land */
    ndshm_array_close(a);
}
END_TEST

static Suite *security_suite(void)
{
    Suite *s = suite_create("security");
    TCase *tc = test_dir_tcase("modes", 30);
    tcase_add_test(tc, private_whatever_the_umask);
    tcase_add_test(tc, shared_with_the_group);
    tcase_add_test(tc, narrowed_modes_kept);
    suite_add_tcase(s, tc);

    tc = test_dir_tcase("store directory", 30);
    tcase_add_loop_test(tc, writable_by_others, 0,
                        (int)(sizeof open_modes / sizeof *open_modes));
    tcase_add_test(tc, someone_elses_private_store);
    tcase_add_test(tc, default_store_is_a_symlink);
    suite_add_tcase(s, tc);

    tc = test_dir_tcase("planted", 30);
    tcase_add_test(tc, data_dir_is_a_symlink);
    tcase_add_test(tc, data_dir_is_a_file);
    tcase_add_loop_test(tc, catalog_file_is_a_symlink, 0, 2);
    tcase_add_loop_test(tc, catalog_file_is_a_fifo, 0, 2);
    tcase_add_loop_test(tc, catalog_file_of_another_user, 0, 2);
    tcase_add_test(tc, data_file_is_a_symlink);
    tcase_add_test(tc, data_file_is_a_fifo);
    tcase_add_test(tc, data_file_writable_by_others);
    tcase_add_test(tc, data_file_of_another_user);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("inside", 30);
    tcase_add_test(tc, names_stay_inside);
    tcase_add_test(tc, readonly_is_prot_read);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* CK_VERBOSITY=verbose lists each test */
    return test_run_suite(security_suite(), CK_ENV);
}
