/*
 * check_mapping.c -- lib/mapping.c: the process-wide cache of mapped data
 * files.  Opening an array twice, or two views of it, shares one mapping;
 * read-only and read-write opens map separately but see the same bytes;
 * a mapping lives exactly as long as its last handle; an array removed
 * while open stays usable; bad files are refused; threads racing to map
 * the same file end up sharing one mapping.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datafile.h"
#include "mapping.h"
#include "ndshm.h"
#include "store.h"
#include "suites.h"
#include "testutil.h"

/* A checked fixture after test_store_setup: a, int64 4x8 holding 0..31. */
static void make_a(void)
{
    int64_t v[32];
    for (int i = 0; i < 32; i++)
        v[i] = i;
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "a", NDSHM_INT64,
                                                    2, shape, v, NULL, 0),
                     0);
}

static ndshm_array *open_ok(const char *expr, unsigned flags)
{
    ndshm_array *a = NULL;
    int rc = ndshm_array_open(&a, test_st, expr, flags);
    ck_assert_msg(rc == 0, "open %s: %s", expr, ndshm_errmsg());
    return a;
}

static int64_t *elem(ndshm_array *a, int64_t i, int64_t j)
{
    const int64_t *s = ndshm_array_strides(a);
    return (int64_t *)((char *)ndshm_array_data(a) + i * s[0] + j * s[1]);
}

/* Whether the page holding p is mapped in this process. */
static int is_mapped(const void *p)
{
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)4095;
    return msync((void *)page, 4096, MS_ASYNC) == 0 || errno != ENOMEM;
}

/* ---- sharing ------------------------------------------------------------ */

START_TEST(same_expr_shares_mapping)
{
    ndshm_array *a1 = open_ok("a", 0), *a2 = open_ok("a", 0);
    ck_assert_ptr_ne(a1, a2);
    ck_assert_ptr_eq(ndshm_array_data(a1), ndshm_array_data(a2));
    ndshm_array *w1 = open_ok("a[1:, ::3]", 0), *w2 = open_ok("a[1:, ::3]", 0);
    ck_assert_ptr_eq(ndshm_array_data(w1), ndshm_array_data(w2));
    /* one store handle or another: the same mapping */
    ndshm_store *st2;
    ck_assert_int_eq(ndshm_store_open(&st2, test_dir, 0), 0);
    ndshm_array *a3;
    ck_assert_int_eq(ndshm_array_open(&a3, st2, "a", 0), 0);
    ck_assert_ptr_eq(ndshm_array_data(a3), ndshm_array_data(a1));
    ndshm_array_close(a3);
    ndshm_store_close(st2);
    ndshm_array_close(a1);
    ndshm_array_close(a2);
    ndshm_array_close(w1);
    ndshm_array_close(w2);
}
END_TEST

START_TEST(views_share_mapping)
{
    ck_assert_int_eq(ndshm_view_create(test_st, "row2", "a[2]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "tail", "a[1:, 5:]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "rev", "a[::-1, ::-2]", 0), 0);
    ndshm_array *a = open_ok("a", 0);
    const char *views[] = {"row2", "tail",     "rev",       "a[3, 7]",
                           "a.T",  "tail[1:]", "rev[2:, 1]"};
    const int64_t offsets[] = {4096 + 128,    4096 + 64 + 40, 4096 + 248,
                               4096 + 248,    4096,           4096 + 128 + 40,
                               4096 + 64 + 40};
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        ndshm_array *v = open_ok(views[i], 0);
        ck_assert_int_eq(ndshm_array_offset(v), offsets[i]);
        ck_assert_int_eq((char *)ndshm_array_data(v) -
                             (char *)ndshm_array_data(a),
                         ndshm_array_offset(v) - ndshm_array_offset(a));
        ck_assert_uint_eq(ndshm_array_id(v), ndshm_array_id(a));
        ndshm_array_close(v);
    }
    /* a store through a view is at once in the array: same memory */
    ndshm_array *t = open_ok("tail", 0);
    *elem(t, 2, 1) = -7; /* a[3, 6] */
    ck_assert_int_eq(*elem(a, 3, 6), -7);
    *elem(a, 1, 5) = -8; /* tail[0, 0] */
    ck_assert_int_eq(*elem(t, 0, 0), -8);
    ndshm_array_close(t);
    ndshm_array_close(a);
}
END_TEST

START_TEST(cache_refcounts)
{
    struct ndshm_layout lay;
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(ndshm__layout(NDSHM_INT64, 2, shape, &lay), 0);
    ndshm_array *a = open_ok("a", 0);
    uint64_t id = ndshm_array_id(a);
    struct ndshm_mapping *m1, *m2, *r1;
    ck_assert_int_eq(
        ndshm__mapping_get(test_st->env, id, true, NDSHM_INT64, &lay, &m1), 0);
    ck_assert_int_eq(
        ndshm__mapping_get(test_st->env, id, true, NDSHM_INT64, &lay, &m2), 0);
    ck_assert_ptr_eq(m1, m2);
    ck_assert_int_eq(m1->refs, 3); /* the handle and these two */
    ck_assert_ptr_eq(m1->base + 4096, ndshm_array_data(a));
    ck_assert_int_eq(m1->layout.total, lay.total);
    ck_assert(m1->writable);
    ck_assert_uint_eq(m1->id, id);

    ck_assert_int_eq(
        ndshm__mapping_get(test_st->env, id, false, NDSHM_INT64, &lay, &r1),
        0);
    ck_assert_ptr_ne(r1, m1);
    ck_assert(!r1->writable);
    ck_assert_int_eq(r1->refs, 1);
    /* the version counter is the control block's, in both */
    ck_assert_ptr_eq((unsigned char *)ndshm__mapping_version(m1),
                     m1->base + lay.ctl_offset + 64);
    ndshm_array_notify(a);
    ck_assert_uint_eq(*ndshm__mapping_version(r1), 1);

    ndshm__mapping_put(m2);
    ck_assert_int_eq(m1->refs, 2);
    ndshm__mapping_put(m1);
    ndshm__mapping_put(r1);
    ndshm__mapping_put(NULL);
    ck_assert_int_eq(*elem(a, 3, 7), 31);
    ndshm_array_close(a);
}
END_TEST

START_TEST(readonly_and_readwrite)
{
    ndshm_array *rw = open_ok("a", 0);
    ndshm_array *ro = open_ok("a", NDSHM_READONLY);
    ndshm_array *ro2 = open_ok("a[1]", NDSHM_READONLY);
    ck_assert_int_eq(ndshm_array_readonly(rw), 0);
    ck_assert_int_eq(ndshm_array_readonly(ro), 1);
    /* different protections: different mappings, of the same file */
    ck_assert_ptr_ne(ndshm_array_data(ro), ndshm_array_data(rw));
    ck_assert_int_eq(
        (char *)ndshm_array_data(ro2) - (char *)ndshm_array_data(ro), 64);
    ck_assert_str_eq(ndshm_array_path(ro), ndshm_array_path(rw));
    ck_assert_int_eq(*elem(ro, 2, 3), 19);
    *elem(rw, 2, 3) = 1234;
    ck_assert_int_eq(*(volatile int64_t *)elem(ro, 2, 3), 1234);
    ck_assert_int_eq(((volatile int64_t *)ndshm_array_data(ro2))[3], 11);
    ndshm_array_notify(rw);
    ck_assert_uint_eq(ndshm_array_version(ro), 1);
    ck_assert_uint_eq(ndshm_array_version(ro2), 1);
    /* notify through a read-only handle cannot write the counter */
    ndshm_array_notify(ro);
    ck_assert_uint_eq(ndshm_array_version(rw), 1);
    ndshm_array_close(ro2);
    ndshm_array_close(ro);
    ndshm_array_close(rw);
}
END_TEST

START_TEST(close_one_keeps_other)
{
    ndshm_array *a1 = open_ok("a", 0), *a2 = open_ok("a[2:]", 0);
    void *data = ndshm_array_data(a1);
    ndshm_array_close(a1);
    ck_assert(is_mapped(data));
    ck_assert_int_eq(*elem(a2, 0, 0), 16);
    *elem(a2, 1, 7) = 77;
    ck_assert_int_eq(((int64_t *)data)[31], 77);

    /* the last handle unmaps */
    ndshm_array_close(a2);
    ck_assert(!is_mapped(data));

    /* and a new open maps again, with the data kept in the file */
    ndshm_array *a3 = open_ok("a", 0);
    ck_assert_int_eq(*elem(a3, 3, 7), 77);
    ndshm_array_close(a3);
}
END_TEST

START_TEST(removed_while_open)
{
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1]", 0), 0);
    ndshm_array *a = open_ok("a", 0);
    ndshm_array *ro = open_ok("a", NDSHM_READONLY);
    ndshm_array *v = open_ok("v", 0);
    char path[4200];
    snprintf(path, sizeof path, "%s", ndshm_array_path(a));
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    ck_assert_int_eq(access(path, F_OK), -1); /* the file is unlinked */

    ndshm_array *again;
    ck_assert_int_eq(ndshm_array_open(&again, test_st, "a", 0),
                     NDSHM_ENOTFOUND);
    ck_assert_ptr_null(again);

    /* the open handles still read and write the (unlinked) file */
    ck_assert_int_eq(*elem(a, 3, 3), 27);
    *elem(a, 0, 1) = 555;
    ck_assert_int_eq(*elem(ro, 0, 1), 555);
    ((int64_t *)ndshm_array_data(v))[2] = 666;
    ck_assert_int_eq(*elem(ro, 1, 2), 666);
    int64_t row[8] = {0};
    ck_assert_int_eq(ndshm_array_write(v, row, NULL), 0);
    ck_assert_int_eq(*elem(a, 1, 7), 0);
    ck_assert_uint_eq(ndshm_array_version(ro), 1);
    int64_t all[32];
    ck_assert_int_eq(ndshm_array_read(a, all, NULL), 0);
    ck_assert_int_eq(all[1], 555);
    ck_assert_int_eq(all[31], 31);
    ndshm_array_close(v);
    ndshm_array_close(ro);
    ndshm_array_close(a);

    /* a new array of the same name is a new file, not the old mapping */
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(
        ndshm_array_create(test_st, "a", NDSHM_INT64, 2, shape, NULL, 0), 0);
    ndshm_array *b = open_ok("a", 0);
    ck_assert_int_eq(*elem(b, 0, 1), 0);
    ndshm_array_close(b);
}
END_TEST

/* Two stores whose arrays have the same id never share a mapping. */
START_TEST(same_id_other_store)
{
    char *dir2;
    ndshm_store *st2 = test_scratch_store(&dir2);
    int64_t v[32];
    for (int i = 0; i < 32; i++)
        v[i] = 100 + i;
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(ndshm_array_create_from_buffer(st2, "a", NDSHM_INT64, 2,
                                                    shape, v, NULL, 0),
                     0);
    ndshm_array *a1 = open_ok("a", 0), *a2;
    ck_assert_int_eq(ndshm_array_open(&a2, st2, "a", 0), 0);
    ck_assert_uint_eq(ndshm_array_id(a1), ndshm_array_id(a2));
    ck_assert_ptr_ne(ndshm_array_data(a1), ndshm_array_data(a2));
    ck_assert_int_eq(*elem(a1, 0, 0), 0);
    ck_assert_int_eq(*elem(a2, 0, 0), 100);
    ndshm_array_close(a1);
    ndshm_array_close(a2);
    ndshm_store_close(st2);
    test_store_remove(dir2);
}
END_TEST

/* ---- refusing bad files ------------------------------------------------- */

static char *data_path(uint64_t id)
{
    char *p = ndshm__file_path(test_st->env, id);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(in, 0);
    ck_assert_int_ge(out, 0);
    char buf[4096];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        ck_assert_int_eq(write(out, buf, (size_t)n), n);
    close(in);
    close(out);
}

START_TEST(bad_files_refused)
{
    ndshm_array *a = open_ok("a", NDSHM_READONLY);
    uint64_t id = ndshm_array_id(a);
    ndshm_array_close(a);
    struct ndshm_layout lay;
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(ndshm__layout(NDSHM_INT64, 2, shape, &lay), 0);
    struct ndshm_mapping *m = (struct ndshm_mapping *)0x1;

    /* no file */
    ck_assert_int_eq(ndshm__mapping_get(test_st->env, id + 100, false,
                                        NDSHM_INT64, &lay, &m),
                     NDSHM_ENOTFOUND);

    /* a good file under another id's name: the control block says no */
    char *good = data_path(id), *other = data_path(id + 1);
    copy_file(good, other);
    ck_assert_int_eq(
        ndshm__mapping_get(test_st->env, id + 1, false, NDSHM_INT64, &lay, &m),
        NDSHM_ECORRUPT);
    ck_assert_msg(strstr(ndshm_errmsg(), "control block") != NULL, "%s",
                  ndshm_errmsg());

    /* the wrong size */
    struct ndshm_layout small = lay;
    small.total -= 4096;
    small.ctl_offset -= 4096;
    ck_assert_int_eq(
        ndshm__mapping_get(test_st->env, id, false, NDSHM_INT64, &small, &m),
        NDSHM_ECORRUPT);

    /* a damaged magic, found through the public API too */
    int fd = open(good, O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, "X", 1, lay.ctl_offset + 3), 1);
    close(fd);
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "a", 0), NDSHM_ECORRUPT);
    ck_assert_ptr_null(a);

    /* a truncated file */
    ck_assert_int_eq(truncate(good, 4096), 0);
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "a", NDSHM_READONLY),
                     NDSHM_ECORRUPT);
    free(good);
    free(other);
}
END_TEST

/* ---- threads ------------------------------------------------------------ */

enum { NTHREADS = 8, ROUNDS = 40 };

struct racer {
    pthread_barrier_t *barrier;
    void *data[ROUNDS];
    int rc[ROUNDS];
};

static void *race(void *arg)
{
    struct racer *r = arg;
    for (int round = 0; round < ROUNDS; round++) {
        ndshm_array *a = NULL;
        pthread_barrier_wait(r->barrier);
        r->rc[round] =
            ndshm_array_open(&a, test_st, round % 2 ? "a[1:]" : "a", 0);
        r->data[round] =
            a ? (char *)ndshm_array_data(a) - ndshm_array_offset(a) : NULL;
        /* everyone holds the array now */
        pthread_barrier_wait(r->barrier);
        ndshm_array_close(a);
        /* everyone has closed it: the next round maps it afresh */
        pthread_barrier_wait(r->barrier);
    }
    return NULL;
}

START_TEST(threads_share_one_mapping)
{
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, NTHREADS);
    static struct racer racers[NTHREADS];
    pthread_t tids[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        racers[i].barrier = &barrier;
        ck_assert_int_eq(pthread_create(&tids[i], NULL, race, &racers[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(tids[i], NULL);
    pthread_barrier_destroy(&barrier);
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < NTHREADS; i++) {
            ck_assert_int_eq(racers[i].rc[round], 0);
            ck_assert_ptr_nonnull(racers[i].data[round]);
            ck_assert_msg(racers[i].data[round] == racers[0].data[round],
                          "round %d: thread %d has its own mapping", round, i);
        }
    /* every mapping was released */
    ck_assert(!is_mapped(racers[0].data[ROUNDS - 1]));
}
END_TEST

Suite *mapping_suite(void)
{
    Suite *s = suite_create("mapping");
    TCase *tc = test_store_tcase("mapping", 30);
    tcase_add_checked_fixture(tc, make_a, NULL);
    tcase_add_test(tc, same_expr_shares_mapping);
    tcase_add_test(tc, views_share_mapping);
    tcase_add_test(tc, cache_refcounts);
    tcase_add_test(tc, readonly_and_readwrite);
    tcase_add_test(tc, close_one_keeps_other);
    tcase_add_test(tc, removed_while_open);
    tcase_add_test(tc, same_id_other_store);
    tcase_add_test(tc, bad_files_refused);
    tcase_add_test(tc, threads_share_one_mapping);
    suite_add_tcase(s, tc);
    return s;
}
