/* testutil.c -- scratch directories, stores and test cases for tests. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <ftw.h>
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
