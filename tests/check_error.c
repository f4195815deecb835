/*
 * check_error.c -- lib/error.c: every code's name and message, unknown
 * codes, the per-thread detail message (ndshm_errmsg), errno and LMDB
 * translation (ndshm__err_sys, ndshm__err_mdb), ndshm__err_prefix, and the
 * version string.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "suites.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The codes as the public header lists them, with their fixed numbers. */
static const struct {
    int code, number;
    const char *name, *msg;
} codes[] = {
    {NDSHM_OK, 0, "OK", "success"},
#define XX(name, num, msg) {NDSHM_##name, num, #name, msg},
    NDSHM_ERRNO_MAP(XX)
#undef XX
};

START_TEST(test_code)
{
    ck_assert_int_eq(codes[_i].code, codes[_i].number);
    ck_assert_str_eq(ndshm_errname(codes[_i].code), codes[_i].name);
    ck_assert_str_eq(ndshm_strerror(codes[_i].code), codes[_i].msg);
    ck_assert_str_ne(ndshm_strerror(codes[_i].code), "");
    ck_assert_str_ne(ndshm_strerror(codes[_i].code), "unknown error");
}
END_TEST

/* The numbers are released: they must not move. */
START_TEST(test_numbers)
{
    ck_assert_int_eq(COUNT(codes), 15);
    ck_assert_int_eq(NDSHM_EINVAL, -1);
    ck_assert_int_eq(NDSHM_ENOTFOUND, -2);
    ck_assert_int_eq(NDSHM_EEXIST, -3);
    ck_assert_int_eq(NDSHM_ENOSPC, -4);
    ck_assert_int_eq(NDSHM_EREADONLY, -5);
    ck_assert_int_eq(NDSHM_ERANGE, -6);
    ck_assert_int_eq(NDSHM_EINDEX, -7);
    ck_assert_int_eq(NDSHM_ECORRUPT, -8);
    ck_assert_int_eq(NDSHM_EVERSION, -9);
    ck_assert_int_eq(NDSHM_ENOMEM, -10);
    ck_assert_int_eq(NDSHM_ESYS, -11);
    ck_assert_int_eq(NDSHM_ETIMEDOUT, -12);
    ck_assert_int_eq(NDSHM_EFORKED, -13);
    ck_assert_int_eq(NDSHM_EUNSAFE, -14);
    ck_assert_str_eq(ndshm_errname(NDSHM_ENOTFOUND), "ENOTFOUND");
    ck_assert_str_eq(ndshm_strerror(NDSHM_ENOTFOUND), "no such array");
}
END_TEST

/* Names and messages are distinct from one code to the next. */
START_TEST(test_distinct)
{
    for (int i = 0; i < COUNT(codes); i++)
        for (int j = i + 1; j < COUNT(codes); j++) {
            ck_assert_str_ne(ndshm_errname(codes[i].code),
                             ndshm_errname(codes[j].code));
            ck_assert_str_ne(ndshm_strerror(codes[i].code),
                             ndshm_strerror(codes[j].code));
        }
}
END_TEST

static const int unknown[] = {1, 2, -15, -16, -100, 1000, INT_MAX, INT_MIN,
                              EINVAL, -EINVAL};

START_TEST(test_unknown)
{
    ck_assert_str_eq(ndshm_errname(unknown[_i]), "UNKNOWN");
    ck_assert_str_eq(ndshm_strerror(unknown[_i]), "unknown error");
}
END_TEST

START_TEST(test_err)
{
    ck_assert_int_eq(ndshm__err(NDSHM_ENOTFOUND, "no such array '%s' (%d)",
                                "temps", 42),
                     NDSHM_ENOTFOUND);
    ck_assert_str_eq(ndshm_errmsg(), "no such array 'temps' (42)");
    ck_assert_int_eq(ndshm__err(NDSHM_EINVAL, "%s", ""), NDSHM_EINVAL);
    ck_assert_str_eq(ndshm_errmsg(), "");
    /* a message past the buffer is cut, not overrun */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ndshm__err(NDSHM_EINVAL, "%s", big);
    size_t n = strlen(ndshm_errmsg());
    ck_assert_uint_gt(n, 100);
    ck_assert_uint_lt(n, sizeof big - 1);
    ck_assert_int_eq(ndshm_errmsg()[0], 'x');
}
END_TEST

/* ---- the detail is per thread ------------------------------------------- */

struct thread_seen {
    char before[64]; /* the new thread's message before any failure */
    char after[64];  /* after its own failure */
};

static void *other_thread(void *arg)
{
    struct thread_seen *seen = arg;
    snprintf(seen->before, sizeof seen->before, "%s", ndshm_errmsg());
    ndshm__err(NDSHM_EEXIST, "second thread's failure");
    snprintf(seen->after, sizeof seen->after, "%s", ndshm_errmsg());
    return NULL;
}

START_TEST(test_thread_local)
{
    ndshm__err(NDSHM_ENOTFOUND, "first thread's failure");
    struct thread_seen seen;
    memset(&seen, '?', sizeof seen);
    seen.before[sizeof seen.before - 1] = '\0';
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, other_thread, &seen), 0);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_str_eq(seen.before, "");
    ck_assert_str_eq(seen.after, "second thread's failure");
    ck_assert_str_eq(ndshm_errmsg(), "first thread's failure");
}
END_TEST

/* ---- errno and LMDB codes -------------------------------------------------- */

static const struct {
    int errnum, code;
} sys_codes[] = {
    {ENOSPC, NDSHM_ENOSPC}, {EDQUOT, NDSHM_ENOSPC}, {EFBIG, NDSHM_ENOSPC},
    {ENOMEM, NDSHM_ENOMEM}, {EACCES, NDSHM_ESYS},   {EROFS, NDSHM_ESYS},
    {ENOENT, NDSHM_ESYS},   {EIO, NDSHM_ESYS},      {EINVAL, NDSHM_ESYS},
    {EPERM, NDSHM_ESYS},    {EBADF, NDSHM_ESYS},
};

START_TEST(test_err_sys)
{
    int errnum = sys_codes[_i].errnum;
    char want[1100];
    ck_assert_int_eq(ndshm__err_sys(errnum, "writing '%s'", "f.npy"),
                     sys_codes[_i].code);
    snprintf(want, sizeof want, "writing 'f.npy': %s",
             errnum == ENOSPC ? "no space left on device" : strerror(errnum));
    ck_assert_str_eq(ndshm_errmsg(), want);
}
END_TEST

START_TEST(test_err_sys_long)
{
    char big[2000];
    memset(big, 'w', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(ndshm__err_sys(ENOMEM, "%s", big), NDSHM_ENOMEM);
    size_t n = strlen(ndshm_errmsg());
    ck_assert_uint_gt(n, 100);
    ck_assert_uint_lt(n, sizeof big - 1);
}
END_TEST

static const struct {
    int rc, code;
} mdb_codes[] = {
    {MDB_NOTFOUND, NDSHM_ENOTFOUND},     {MDB_KEYEXIST, NDSHM_EEXIST},
    {MDB_MAP_FULL, NDSHM_ENOSPC},        {MDB_CORRUPTED, NDSHM_ECORRUPT},
    {MDB_PAGE_NOTFOUND, NDSHM_ECORRUPT}, {MDB_INVALID, NDSHM_ECORRUPT},
    {MDB_VERSION_MISMATCH, NDSHM_EVERSION}, {ENOSPC, NDSHM_ENOSPC},
    {ENOMEM, NDSHM_ENOMEM},              {EACCES, NDSHM_ESYS},
    {MDB_READERS_FULL, NDSHM_ESYS},
};

START_TEST(test_err_mdb)
{
    char want[1100];
    ck_assert_int_eq(ndshm__err_mdb(mdb_codes[_i].rc, "catalog"),
                     mdb_codes[_i].code);
    /* "no space" reads the same whether LMDB or ndshm found it */
    snprintf(want, sizeof want, "catalog: %s",
             mdb_codes[_i].rc == ENOSPC ? "no space left on device"
                                        : mdb_strerror(mdb_codes[_i].rc));
    ck_assert_str_eq(ndshm_errmsg(), want);
}
END_TEST

START_TEST(test_err_prefix)
{
    ndshm__err(NDSHM_ENOTFOUND, "no such array 'b'");
    ck_assert_int_eq(ndshm__err_prefix(NDSHM_EINVAL, "opening '%s'", "a/b"),
                     NDSHM_EINVAL);
    ck_assert_str_eq(ndshm_errmsg(), "opening 'a/b': no such array 'b'");
    ck_assert_int_eq(ndshm__err_prefix(NDSHM_ESYS, "view %d", 2), NDSHM_ESYS);
    ck_assert_str_eq(ndshm_errmsg(),
                     "view 2: opening 'a/b': no such array 'b'");

    /* a long prefix over a long message is cut to fit */
    char big[900];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ndshm__err(NDSHM_EINVAL, "%s", big);
    ndshm__err_prefix(NDSHM_EINVAL, "%s", big);
    size_t n = strlen(ndshm_errmsg());
    ck_assert_uint_gt(n, sizeof big);
    ck_assert_uint_lt(n, 2 * sizeof big);
    ck_assert_int_eq(ndshm_errmsg()[sizeof big - 1], ':');
}
END_TEST

START_TEST(test_version)
{
    const char *v = ndshm_version();
    unsigned major, minor, patch;
    char rest;
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &rest),
                     3);
    ck_assert_str_eq(v, PACKAGE_VERSION);
}
END_TEST

Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("codes");
    tcase_add_loop_test(tc, test_code, 0, COUNT(codes));
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_distinct);
    tcase_add_loop_test(tc, test_unknown, 0, COUNT(unknown));
    tcase_add_test(tc, test_version);
    suite_add_tcase(s, tc);

    tc = tcase_create("detail");
    tcase_add_test(tc, test_err);
    tcase_add_test(tc, test_thread_local);
    tcase_add_loop_test(tc, test_err_sys, 0, COUNT(sys_codes));
    tcase_add_test(tc, test_err_sys_long);
    tcase_add_loop_test(tc, test_err_mdb, 0, COUNT(mdb_codes));
    tcase_add_test(tc, test_err_prefix);
    suite_add_tcase(s, tc);
    return s;
}
