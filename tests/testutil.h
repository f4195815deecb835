/* testutil.h -- scratch stores for tests. */
#ifndef NDSHM_TESTUTIL_H
#define NDSHM_TESTUTIL_H

/*
 * A new empty directory for a store under /dev/shm (or $TMPDIR), removed
 * with everything in it by test_store_remove.  Returns a malloc'd path;
 * aborts the test program if it cannot be made.
 */
char *test_store_dir(void);
void test_store_remove(char *dir);

#endif
