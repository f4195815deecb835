/* testutil.c -- scratch directories, stores and test cases for tests. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

char *test_store_dir(void)
{
    struct stat sb;
    const char *base = "/dev/shm";
    if (stat(base, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        base = getenv("TMPDIR");
        if (base == NULL || *base == '\0')
            base = "/tmp";
    }
    size_t len = strlen(base) + 32;
    char *dir = malloc(len);
    if (dir == NULL)
        abort();
    snprintf(dir, len, "%s/ndshm-test.XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        abort();
    }
    return dir;
}

static int remove_one(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void test_store_remove(char *dir)
{
    if (dir == NULL)
        return;
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* Made in the runner process, and inherited by each forked test. */
static char *case_dir;

void test_case_setup(void)
{
    case_dir = test_store_dir();
}

void test_case_teardown(void)
{
    test_store_remove(case_dir);
    case_dir = NULL;
}

char *test_scratch_dir(void)
{
    ck_assert_msg(case_dir != NULL, "test_scratch_dir needs test_case_setup "
                                    "as the case's unchecked fixture");
    size_t len = strlen(case_dir) + sizeof "/store.XXXXXX";
    char *p = malloc(len);
    ck_assert_ptr_nonnull(p);
    snprintf(p, len, "%s/store.XXXXXX", case_dir);
    ck_assert_ptr_nonnull(mkdtemp(p));
    return p;
}

ndshm_store *test_scratch_store(char **dir)
{
    ndshm_store *st;
    *dir = test_scratch_dir();
    ck_assert_int_eq(ndshm_store_open(&st, *dir, 0), 0);
    return st;
}

ndshm_store *test_st;
char *test_dir;

void test_store_setup(void)
{
    test_st = test_scratch_store(&test_dir);
}

void test_store_teardown(void)
{
    ndshm_store_close(test_st);
    test_st = NULL;
    test_store_remove(test_dir);
    test_dir = NULL;
}

TCase *test_dir_tcase(const char *name, double timeout)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout);
    tcase_add_unchecked_fixture(tc, test_case_setup, test_case_teardown);
    return tc;
}

TCase *test_store_tcase(const char *name, double timeout)
{
    TCase *tc = test_dir_tcase(name, timeout);
    tcase_add_checked_fixture(tc, test_store_setup, test_store_teardown);
    return tc;
}

int test_count_entries(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

int test_count_data_files(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/data", dir);
    return test_count_entries(path);
}

ndshm_array *test_open(const char *expr, unsigned flags)
{
    ndshm_array *a;
    ck_assert_msg(ndshm_array_open(&a, test_st, expr, flags) == 0,
                  "open '%s': %s", expr, ndshm_errmsg());
    return a;
}

volatile int64_t *test_elem(const ndshm_array *a, int64_t i, int64_t j)
{
    const int64_t *s = ndshm_array_strides(a);
    return (volatile int64_t *)((char *)ndshm_array_data(a) + i * s[0] +
                                j * s[1]);
}

static void show_problem(const char *problem, int repaired, void *ctx)
{
    fprintf(stderr, "fsck: %s%s\n", problem, repaired ? " [repaired]" : "");
    (*(int *)ctx)++;
}

void test_fsck_clean(ndshm_store *st)
{
    int problems = 0;
    int rc = ndshm_fsck(st, 0, show_problem, &problems);
    ck_assert_msg(rc == 0, "fsck returned %s: %s", ndshm_errname(rc),
                  ndshm_errmsg());
    ck_assert_msg(problems == 0, "fsck reported %d problems", problems);
}

bool test_data_file_id(const char *name, uint64_t *id)
{
    if (strlen(name) != 20 || strcmp(name + 16, ".npy") != 0)
        return false;
    *id = 0;
    for (int i = 0; i < 16; i++) {
        char c = name[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (d < 0)
            return false;
        *id = *id << 4 | (uint64_t)d;
    }
    return true;
}

void test_expect_data_files(const char *dir, const uint64_t *ids, int nids)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/data", dir);
    DIR *d = opendir(path);
    ck_assert_msg(d != NULL, "opendir %s", path);
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        uint64_t id;
        bool named = false;
        if (test_data_file_id(de->d_name, &id))
            for (int i = 0; i < nids; i++)
                named = named || ids[i] == id;
        ck_assert_msg(named, "data/%s is left over: no name uses it",
                      de->d_name);
        files++;
    }
    closedir(d);
    ck_assert_msg(files == nids, "data/ holds %d files; the names use %d",
                  files, nids);
}

int test_run_suite(Suite *s, enum print_output mode)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, mode);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
