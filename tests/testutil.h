/* testutil.h -- scratch directories, stores and test cases for tests. */
#ifndef NDSHM_TESTUTIL_H
#define NDSHM_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

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

/* How many files the data/ directory of the store at dir holds. */
int test_count_data_files(const char *dir);

/*
 * expr opened in the current test's store (test_st), failing the test if
 * it does not open.
 */
ndshm_array *test_open(const char *expr, unsigned flags);

/* Element [i, j] of a 2-d int64 window, through its shared mapping. */
volatile int64_t *test_elem(const ndshm_array *a, int64_t i, int64_t j);

/*
 * Fails the test unless fsck (without repair) finds st consistent; each
 * problem it reports is shown on stderr.
 */
void test_fsck_clean(ndshm_store *st);

/*
 * Whether name is a data file's name ("000000000000002a.npy", the id in
 * 16 lower-case hex digits), with the id in *id if so.
 */
bool test_data_file_id(const char *name, uint64_t *id);

/*
 * Fails the test unless the data/ directory of the store at dir holds
 * exactly one file for each of the nids distinct ids, and nothing else (no
 * leftover, no temporary).
 */
void test_expect_data_files(const char *dir, const uint64_t *ids, int nids);

/*
 * Run the tests of suite s, printing as mode says (CK_ENV: as
 * $CK_VERBOSITY says); EXIT_SUCCESS when all passed, for main to return.
 */
int test_run_suite(Suite *s, enum print_output mode);

#endif
