/* testutil.h -- scratch directories, stores and test cases for tests. */
#ifndef NDSHM_TESTUTIL_H
#define NDSHM_TESTUTIL_H

#include <check.h>

#include "ndshm.h"

/*
 * A new empty directory for a store under /dev/shm (or $TMPDIR), removed
 * with everything in it by test_store_remove.  Returns a malloc'd path;
 * aborts the test program if it cannot be made.
 */
char *test_store_dir(void);
void test_store_remove(char *dir);

/*
 * The per-test-case directory, for tcase_add_unchecked_fixture: the
 * runner process makes it before the case's first test and removes it,
 * with everything the tests left in it, after the last.  A test that
 * fails an assertion, or dies of a signal as expected, skips its own
 * clean-up but leaves nothing behind.
 */
void test_case_setup(void);
void test_case_teardown(void);

/*
 * A new empty directory inside the current test case's (so the case needs
 * test_case_setup as its unchecked fixture).  Returns a malloc'd path;
 * remove it with test_store_remove.  Fails the test if it cannot be made.
 */
char *test_scratch_dir(void);

/*
 * A store opened in a new directory from test_scratch_dir, whose path goes
 * in *dir: close the store, then remove the directory with
 * test_store_remove.  Fails the test if the store does not open.
 */
ndshm_store *test_scratch_store(char **dir);

/*
 * The store of the current test and its directory, opened by
 * test_store_setup and closed and removed by test_store_teardown: a
 * checked fixture (tcase_add_checked_fixture), so that every test starts
 * with an empty store of its own, made by test_scratch_store.
 */
extern ndshm_store *test_st;
extern char *test_dir;
void test_store_setup(void);
void test_store_teardown(void);

/*
 * A new test case whose tests may run for timeout seconds each, with
 * test_case_setup as its unchecked fixture (test_dir_tcase), and also
 * test_store_setup as its checked fixture (test_store_tcase).  Further
 * checked fixtures the caller adds run after test_store_setup.
 */
TCase *test_dir_tcase(const char *name, double timeout);
TCase *test_store_tcase(const char *name, double timeout);

/*
 * How many names directory path holds, not counting "." and "..";
 * -1 if it cannot be opened.
 */
int test_count_entries(const char *path);

#endif
