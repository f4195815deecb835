/*
 * check_fsck.c -- lib/fsck.c: each kind of inconsistency, made by hand in
 * a scratch store, is reported (the callback hears of it once, and
 * ndshm_fsck returns NDSHM_ECORRUPT without repairing anything), then
 * repaired by NDSHM_FSCK_REPAIR (0, after which a second fsck finds
 * nothing), except those fsck cannot repair (an unexpected file in data/,
 * a damaged data file), which stay reported and leave NDSHM_ECORRUPT.
 *
 * Inconsistencies are made the way crashes make them where one can (the
 * crash hook kills a child after "create:linked" or "remove:committed"),
 * else by editing the catalog with lib/catalog.h inside a write
 * transaction or by touching data/ directly.  A clean store gives 0 and
 * no callback; a fork child of the opening process gets NDSHM_EFORKED.
 * A file record that does not decode is reported, not repaired, and the
 * repair keeps its data file and names (the data is not gone, and the
 * file is no leftover).
 *
 * Run alone:  CK_RUN_SUITE=fsck tests/check_lib
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "ndshm.h"
#include "store.h"
#include "suites.h"
#include "testproc.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* What fsck told the callback. */
struct heard {
    int n, repaired;
    char msg[8][512];
};

static void hear(const char *problem, int repaired, void *ctx)
{
    struct heard *h = ctx;
    ck_assert_ptr_nonnull(problem);
    ck_assert_msg(problem[0] != '\0', "an empty problem description");
    ck_assert_msg(strchr(problem, '\n') == NULL, "not one line: %s", problem);
    if (h->n < 8)
        snprintf(h->msg[h->n], sizeof h->msg[0], "%s", problem);
    h->n++;
    h->repaired += repaired != 0;
}

static int fsck(unsigned flags, struct heard *h)
{
    memset(h, 0, sizeof *h);
    return ndshm_fsck(test_st, flags, hear, h);
}

static bool heard_of(const struct heard *h, const char *needle)
{
    for (int i = 0; i < h->n && i < 8; i++)
        if (strstr(h->msg[i], needle) != NULL)
            return true;
    return false;
}

/* fsck and fsck --repair find nothing, and say nothing. */
static void assert_clean(void)
{
    struct heard h;
    int rc = fsck(0, &h);
    ck_assert_msg(rc == 0 && h.n == 0, "fsck: %s, %d problems (%s)",
                  ndshm_errname(rc), h.n, h.n ? h.msg[0] : "");
    rc = fsck(NDSHM_FSCK_REPAIR, &h);
    ck_assert_msg(rc == 0 && h.n == 0, "fsck --repair: %s, %d problems (%s)",
                  ndshm_errname(rc), h.n, h.n ? h.msg[0] : "");
}

/* Without repair: n problems, one of them mentioning needle, none
 * repaired, and NDSHM_ECORRUPT. */
static void assert_found(int n, const char *needle)
{
    struct heard h;
    int rc = fsck(0, &h);
    ck_assert_msg(rc == NDSHM_ECORRUPT, "fsck returned %s", ndshm_errname(rc));
    ck_assert_msg(h.n == n, "%d problems reported, expected %d (first: %s)",
                  h.n, n, h.n ? h.msg[0] : "none");
    ck_assert_int_eq(h.repaired, 0);
    ck_assert_msg(heard_of(&h, needle), "no problem mentions '%s' (first: %s)",
                  needle, h.msg[0]);
    /* and the callback may be NULL */
    ck_assert_int_eq(ndshm_fsck(test_st, 0, NULL, NULL), NDSHM_ECORRUPT);
}

/* With repair: n problems, all repaired, 0; then nothing is left. */
static void assert_repaired(int n, const char *needle)
{
    struct heard h;
    int rc = fsck(NDSHM_FSCK_REPAIR, &h);
    ck_assert_msg(rc == 0, "fsck --repair returned %s: %s", ndshm_errname(rc),
                  ndshm_errmsg());
    ck_assert_msg(h.n == n, "%d problems reported, expected %d (first: %s)",
                  h.n, n, h.n ? h.msg[0] : "none");
    ck_assert_msg(h.repaired == n, "%d of %d repaired", h.repaired, n);
    ck_assert_msg(heard_of(&h, needle), "no problem mentions '%s' (first: %s)",
                  needle, h.msg[0]);
    assert_clean();
}

static void make(const char *name, int64_t rows)
{
    int64_t shape[2] = {rows, 3};
    int32_t fill = (int32_t)(rows * 10 + (int64_t)strlen(name));
    ck_assert_int_eq(
        ndshm_array_create(test_st, name, NDSHM_INT32, 2, shape, &fill, 0), 0);
}

static uint64_t id_of(const char *name)
{
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, name, 0), 0);
    uint64_t id = ndshm_array_id(a);
    ndshm_array_close(a);
    return id;
}

/* The data file's path, relative to nothing: "DIR/data/ID.npy". */
static char *data_path(uint64_t id)
{
    char *p = malloc(strlen(test_dir) + 64);
    ck_assert_ptr_nonnull(p);
    sprintf(p, "%s/data/%016llx.npy", test_dir, (unsigned long long)id);
    return p;
}

static char *data_name_path(const char *name)
{
    char *p = malloc(strlen(test_dir) + strlen(name) + 8);
    ck_assert_ptr_nonnull(p);
    sprintf(p, "%s/data/%s", test_dir, name);
    return p;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int data_files(void)
{
    char *p = data_name_path("");
    int n = test_count_entries(p);
    free(p);
    return n;
}

/* The name holds its fill value everywhere (made by make()). */
static void assert_intact(const char *name, int64_t rows)
{
    ndshm_array *a;
    ck_assert_msg(ndshm_array_open(&a, test_st, name, 0) == 0,
                  "'%s' does not open: %s", name, ndshm_errmsg());
    int32_t v[64];
    ck_assert_int_le(rows * 3, 64);
    ck_assert_int_eq(ndshm_array_read(a, v, NULL), 0);
    for (int64_t i = 0; i < rows * 3; i++)
        ck_assert_int_eq(v[i], rows * 10 + (int64_t)strlen(name));
    ndshm_array_close(a);
}

/* ---- editing the catalog inside a write transaction --------------------- */

struct edit {
    uint64_t id;
    const char *name;
    int what;
    uint32_t refs;
    const char *owner;
    uint64_t next;
    struct ndshm_record rec;
};

enum {
    SET_REFS,
    SET_OWNER,
    DEL_NAME,
    SET_NEXT,
    PUT_RECORD,
    PUT_GARBAGE,
    PUT_FILE,
    BAD_FILE
};

static int edit_txn(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct edit *e = ctx;
    struct ndshm_file f;
    int rc;
    switch (e->what) {
    case SET_REFS:
    case SET_OWNER:
        if ((rc = ndshm__catalog_get_file(c, txn, e->id, &f)) != 0)
            return rc;
        if (e->what == SET_REFS)
            f.refs = e->refs;
        else
            snprintf(f.owner, sizeof f.owner, "%s", e->owner);
        return ndshm__catalog_put_file(c, txn, &f);
    case DEL_NAME: return ndshm__catalog_del(c, txn, e->name);
    case SET_NEXT: return ndshm__catalog_set_next_id(c, txn, e->next);
    case PUT_RECORD: return ndshm__catalog_put(c, txn, e->name, &e->rec);
    case PUT_GARBAGE: {
        MDB_val k = {strlen(e->name), (void *)e->name};
        MDB_val v = {5, (void *)"\x01\x07\x07\x07\x07"};
        return mdb_put(txn, c->names, &k, &v, 0) == 0 ? 0 : NDSHM_ESYS;
    }
    case BAD_FILE: { /* a file record that does not decode */
        unsigned char kb[8];
        for (int i = 0; i < 8; i++)
            kb[i] = (unsigned char)(e->id >> (56 - 8 * i));
        MDB_val k = {8, kb}, v = {3, (void *)"\x01\x04\x01"};
        return mdb_put(txn, c->files, &k, &v, 0) == 0 ? 0 : NDSHM_ESYS;
    }
    case PUT_FILE: {
        memset(&f, 0, sizeof f);
        f.id = e->id;
        f.dtype = NDSHM_INT32;
        f.ndim = 1;
        f.shape[0] = 4;
        f.refs = e->refs;
        return ndshm__catalog_put_file(c, txn, &f);
    }
    }
    return NDSHM_EINVAL;
}

static void edit(struct edit e)
{
    ck_assert_int_eq(
        ndshm__catalog_write(&test_st->env->cat, edit_txn, NULL, &e), 0);
}

static struct ndshm_file file_record(uint64_t id)
{
    MDB_txn *txn;
    struct ndshm_file f;
    memset(&f, 0, sizeof f);
    ck_assert_int_eq(ndshm__catalog_read_begin(&test_st->env->cat, &txn), 0);
    int rc = ndshm__catalog_get_file(&test_st->env->cat, txn, id, &f);
    ndshm__catalog_read_end(&test_st->env->cat, txn);
    ck_assert_msg(rc == 0, "no file record %llu: %s", (unsigned long long)id,
                  ndshm_errmsg());
    return f;
}

static bool has_file_record(uint64_t id)
{
    MDB_txn *txn;
    struct ndshm_file f;
    ck_assert_int_eq(ndshm__catalog_read_begin(&test_st->env->cat, &txn), 0);
    int rc = ndshm__catalog_get_file(&test_st->env->cat, txn, id, &f);
    ndshm__catalog_read_end(&test_st->env->cat, txn);
    return rc == 0;
}

static uint64_t next_id(void)
{
    MDB_txn *txn;
    uint64_t id = 0;
    ck_assert_int_eq(ndshm__catalog_read_begin(&test_st->env->cat, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_next_id(&test_st->env->cat, txn, &id), 0);
    ndshm__catalog_read_end(&test_st->env->cat, txn);
    return id;
}

/* ---- crashes made with the crash hook ----------------------------------- */

static const char *kill_at;

static void kill_hook(const char *point)
{
    if (strcmp(point, kill_at) == 0)
        raise(SIGKILL);
}

/* In a child that opens the store itself: op dies at point. */
static void crash_child(const char *point, int (*op)(ndshm_store *st))
{
    pid_t pid = test_fork();
    if (pid == 0) {
        ndshm_store *st;
        if (ndshm_store_open(&st, test_dir, 0) != 0)
            _exit(2);
        kill_at = point;
        ndshm__crash_hook = kill_hook;
        op(st);
        _exit(3); /* the point was not reached */
    }
    int status = test_wait(pid);
    ck_assert_msg(test_killed_by(status, SIGKILL),
                  "the child was not killed at '%s' (status 0x%x)", point,
                  status);
}

static int create_x(ndshm_store *st)
{
    int64_t shape[1] = {6};
    return ndshm_array_create(st, "x", NDSHM_INT32, 1, shape, NULL, 0);
}

static int remove_a(ndshm_store *st)
{
    return ndshm_remove(st, "a");
}

/* A pid that is certainly not running: a child's, reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = test_fork();
    if (pid == 0)
        _exit(0);
    test_wait(pid);
    return pid;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* ---- clean stores ------------------------------------------------------- */

START_TEST(clean_empty_store)
{
    assert_clean();
    ck_assert_int_eq(ndshm_fsck(test_st, 0, NULL, NULL), 0);
    ck_assert_int_eq(ndshm_fsck(test_st, NDSHM_FSCK_REPAIR, NULL, NULL), 0);
}
END_TEST

/* Arrays, views, views of views, copies, a view outliving its array's
 * name, removed names, 0-d and empty arrays: all consistent. */
START_TEST(clean_busy_store)
{
    make("a", 4);
    make("b", 2);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:, ::2]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "vv", "v.T", NDSHM_READONLY),
                     0);
    ck_assert_int_eq(ndshm_copy(test_st, "c", "a[::-1]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "keep", "b[0]", 0), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "b"), 0);
    make("gone", 1);
    ck_assert_int_eq(ndshm_remove(test_st, "gone"), 0);
    ck_assert_int_eq(
        ndshm_array_create(test_st, "scalar", NDSHM_FLOAT64, 0, NULL, NULL, 0),
        0);
    int64_t empty[2] = {3, 0};
    ck_assert_int_eq(ndshm_array_create(test_st, "ns/empty", NDSHM_UINT8, 2,
                                        empty, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_view_create(test_st, "ev", "ns/empty[2:]", 0), 0);
    assert_clean();
    assert_intact("a", 4);
}
END_TEST

/* ---- leftover data files ------------------------------------------------ */

/* A valid-looking data file no record names (a hard link to a real one). */
START_TEST(leftover_by_hand)
{
    make("a", 2);
    char *real = data_path(id_of("a"));
    char *left = data_path(0x100);
    ck_assert_int_eq(link(real, left), 0);
    assert_found(1, "0000000000000100.npy");
    ck_assert_msg(exists(left), "fsck without repair deleted the leftover");
    assert_repaired(1, "0000000000000100.npy");
    ck_assert(!exists(left));
    ck_assert(exists(real));
    assert_intact("a", 2);
    free(real);
    free(left);
}
END_TEST

/* The real thing: a create killed after linking its file, inside the
 * catalog write. */
START_TEST(leftover_of_killed_create)
{
    make("a", 2);
    int before = data_files();
    crash_child("create:linked", create_x);
    ck_assert_int_eq(data_files(), before + 1);
    ndshm_array *x;
    ck_assert_int_eq(ndshm_array_open(&x, test_st, "x", 0), NDSHM_ENOTFOUND);
    assert_found(1, "leftover");
    ck_assert_int_eq(data_files(), before + 1);
    assert_repaired(1, "leftover");
    ck_assert_int_eq(data_files(), before);
    assert_intact("a", 2);
    /* and the name can be made after all */
    ck_assert_int_eq(create_x(test_st), 0);
    assert_clean();
}
END_TEST

/* A create killed after the link, and a create that runs before the
 * repair: it must not take the leftover's file. */
START_TEST(leftover_skipped_by_next_create)
{
    crash_child("create:linked", create_x);
    uint64_t leftover_id = next_id(); /* the id the dead create took */
    char *left = data_path(leftover_id);
    ck_assert_msg(exists(left), "no leftover at the next id");
    make("a", 2);
    ck_assert_uint_ne(id_of("a"), leftover_id);
    assert_found(1, "leftover");
    assert_repaired(1, "leftover");
    ck_assert(!exists(left));
    assert_intact("a", 2);
    free(left);
}
END_TEST

/* A remove killed between its commit and the unlink. */
START_TEST(leftover_of_killed_remove)
{
    make("a", 2);
    make("b", 1);
    char *file = data_path(id_of("a"));
    crash_child("remove:committed", remove_a);
    ck_assert(exists(file));
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "a", 0), NDSHM_ENOTFOUND);
    assert_found(1, "leftover");
    assert_repaired(1, "leftover");
    ck_assert(!exists(file));
    assert_intact("b", 1);
    free(file);
}
END_TEST

/* ---- temporary files of the O_TMPFILE fallback -------------------------- */

START_TEST(tmp_of_dead_process)
{
    char name[64];
    snprintf(name, sizeof name, ".tmp.%ld.0badf00d", (long)dead_pid());
    char *path = data_name_path(name);
    write_file(path, "half a data file");
    assert_found(1, name);
    ck_assert(exists(path));
    assert_repaired(1, name);
    ck_assert(!exists(path));
    free(path);
}
END_TEST

/* A live process's temporary is a create in progress: not a problem. */
START_TEST(tmp_of_live_process)
{
    make("a", 1);
    char name[64];
    snprintf(name, sizeof name, ".tmp.%ld.12345678", (long)getpid());
    char *path = data_name_path(name);
    write_file(path, "being built");
    assert_clean();
    ck_assert_msg(exists(path), "fsck --repair deleted a live create's file");
    /* the parent (the check runner) is alive too */
    snprintf(name, sizeof name, ".tmp.%ld.0", (long)getppid());
    char *path2 = data_name_path(name);
    write_file(path2, "being built");
    assert_clean();
    ck_assert(exists(path2));
    unlink(path);
    unlink(path2);
    free(path);
    free(path2);
}
END_TEST

/* ---- file records ------------------------------------------------------- */

START_TEST(refs_too_high)
{
    make("a", 2);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1]", 0), 0);
    uint64_t id = id_of("a");
    edit((struct edit){.id = id, .what = SET_REFS, .refs = 7});
    assert_found(1, "7");
    ck_assert_uint_eq(file_record(id).refs, 7); /* nothing changed */
    assert_repaired(1, "refer");
    ck_assert_uint_eq(file_record(id).refs, 2);
    /* the count works again: the file goes with the last name */
    char *file = data_path(id);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    ck_assert(exists(file));
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert(!exists(file));
    assert_clean();
    free(file);
}
END_TEST

/* Too low is worse: removing one name would delete data another uses. */
START_TEST(refs_too_low)
{
    make("a", 2);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[::-1]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "w", "v[0]", 0), 0);
    uint64_t id = id_of("a");
    edit((struct edit){.id = id, .what = SET_REFS, .refs = 1});
    assert_found(1, "refer");
    assert_repaired(1, "refer");
    ck_assert_uint_eq(file_record(id).refs, 3);
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "w"), 0);
    assert_intact("a", 2);
    assert_clean();
}
END_TEST

START_TEST(wrong_owner)
{
    make("a", 2);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:]", 0), 0);
    uint64_t id = id_of("a");
    edit((struct edit){.id = id, .what = SET_OWNER, .owner = "bogus"});
    assert_found(1, "bogus");
    ck_assert_str_eq(file_record(id).owner, "bogus");
    assert_repaired(1, "bogus");
    ck_assert_str_eq(file_record(id).owner, "a");
    ndshm_array *v;
    ck_assert_int_eq(ndshm_array_open(&v, test_st, "v", 0), 0);
    ck_assert_str_eq(ndshm_array_base(v), "a");
    ndshm_array_close(v);
}
END_TEST

/* An owner emptied while its array lives, and one left after it went. */
START_TEST(owner_empty_or_stale)
{
    make("a", 2);
    uint64_t id = id_of("a");
    edit((struct edit){.id = id, .what = SET_OWNER, .owner = ""});
    assert_found(1, "'a'");
    assert_repaired(1, "'a'");
    ck_assert_str_eq(file_record(id).owner, "a");

    make("b", 1);
    ck_assert_int_eq(ndshm_view_create(test_st, "bv", "b", 0), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "b"), 0);
    uint64_t bid = id_of("bv");
    ck_assert_str_eq(file_record(bid).owner, "");
    edit((struct edit){.id = bid, .what = SET_OWNER, .owner = "b"});
    assert_found(1, "'b'");
    assert_repaired(1, "'b'");
    ck_assert_str_eq(file_record(bid).owner, "");
}
END_TEST

/* A name whose data file was deleted: the name (and its views) go. */
START_TEST(data_file_missing)
{
    make("a", 2);
    make("b", 1);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[0]", 0), 0);
    uint64_t id = id_of("a");
    char *file = data_path(id);
    ck_assert_int_eq(unlink(file), 0);
    assert_found(1, "missing");
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "b", 0), 0); /* still */
    ndshm_array_close(a);
    assert_repaired(1, "missing");
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "a", 0), NDSHM_ENOTFOUND);
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "v", 0), NDSHM_ENOTFOUND);
    ck_assert(!has_file_record(id));
    assert_intact("b", 1);
    make("a", 3); /* the name is free again */
    assert_intact("a", 3);
    assert_clean();
    free(file);
}
END_TEST

/* A file record no name refers to, its data file there: both go. */
START_TEST(file_record_without_names)
{
    make("a", 2);
    make("b", 1);
    uint64_t id = id_of("a");
    char *file = data_path(id);
    edit((struct edit){.name = "a", .what = DEL_NAME});
    assert_found(1, "no name refers");
    ck_assert(exists(file));
    ck_assert(has_file_record(id));
    assert_repaired(1, "no name refers");
    ck_assert(!exists(file));
    ck_assert(!has_file_record(id));
    assert_intact("b", 1);
    free(file);
}
END_TEST

/* A file record with neither names nor a data file. */
START_TEST(file_record_alone)
{
    make("a", 1);
    uint64_t id = id_of("a") + 10;
    edit((struct edit){.id = id, .what = PUT_FILE, .refs = 1});
    edit((struct edit){.what = SET_NEXT, .next = id + 1});
    assert_found(1, "missing");
    assert_repaired(1, "missing");
    ck_assert(!has_file_record(id));
    assert_intact("a", 1);
}
END_TEST

START_TEST(next_id_not_above_largest)
{
    make("a", 1);
    make("b", 2);
    uint64_t top = id_of("b");
    ck_assert_uint_gt(top, id_of("a"));
    /* equal to the largest id in use is already wrong */
    edit((struct edit){.what = SET_NEXT, .next = top});
    assert_found(1, "next file id");
    ck_assert_uint_eq(next_id(), top);
    assert_repaired(1, "next file id");
    ck_assert_uint_eq(next_id(), top + 1);
    /* far below */
    edit((struct edit){.what = SET_NEXT, .next = 1});
    assert_found(1, "next file id");
    assert_repaired(1, "next file id");
    ck_assert_uint_eq(next_id(), top + 1);
    make("c", 3);
    ck_assert_uint_gt(id_of("c"), top);
    assert_intact("a", 1);
    assert_intact("b", 2);
    assert_intact("c", 3);
    assert_clean();
}
END_TEST

/* ---- name records ------------------------------------------------------- */

START_TEST(unreadable_name_record)
{
    make("a", 1);
    edit((struct edit){.name = "junk", .what = PUT_GARBAGE});
    assert_found(1, "junk");
    assert_repaired(1, "junk");
    ndshm_array *j;
    ck_assert_int_eq(ndshm_array_open(&j, test_st, "junk", 0),
                     NDSHM_ENOTFOUND);
    assert_intact("a", 1);
}
END_TEST

/* A name naming a file id the catalog does not know. */
START_TEST(name_of_unknown_file)
{
    make("a", 2);
    struct edit e = {.name = "ghost", .what = PUT_RECORD};
    e.rec.kind = NDSHM_KIND_VIEW;
    e.rec.id = id_of("a") + 50;
    e.rec.dtype = NDSHM_INT32;
    e.rec.win.ndim = 1;
    e.rec.win.offset = 4096;
    e.rec.win.shape[0] = 2;
    e.rec.win.strides[0] = 4;
    edit(e);
    assert_found(1, "ghost");
    assert_repaired(1, "ghost");
    assert_intact("a", 2);
}
END_TEST

/* A view record reaching outside its data file. */
START_TEST(record_outside_file)
{
    make("a", 2); /* 2 x 3 int32: 24 bytes of data */
    uint64_t id = id_of("a");
    struct edit e = {.name = "wild", .what = PUT_RECORD};
    e.rec.kind = NDSHM_KIND_VIEW;
    e.rec.id = id;
    e.rec.dtype = NDSHM_INT32;
    e.rec.win.ndim = 1;
    e.rec.win.offset = 4096;
    e.rec.win.shape[0] = 100;
    e.rec.win.strides[0] = 4;
    edit(e);
    edit((struct edit){.id = id, .what = SET_REFS, .refs = 2});
    assert_found(2, "wild");
    assert_repaired(2, "wild");
    ndshm_array *w;
    ck_assert_int_eq(ndshm_array_open(&w, test_st, "wild", 0),
                     NDSHM_ENOTFOUND);
    ck_assert_uint_eq(file_record(id).refs, 1);
    assert_intact("a", 2);
}
END_TEST

/* ---- what fsck cannot repair -------------------------------------------- */

/*
 * An unreadable file record is rebuilt from the data file's .npy header by
 * the repair; neither the data file nor the names that use it may go, and
 * afterwards the array and its view read as before.
 */
START_TEST(unreadable_file_record_keeps_data)
{
    make("a", 2);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:]", 0), 0);
    uint64_t id = id_of("a");
    char *file = data_path(id);
    edit((struct edit){.id = id, .what = BAD_FILE});
    struct heard h;
    ck_assert_int_eq(fsck(0, &h), NDSHM_ECORRUPT);
    ck_assert_msg(heard_of(&h, "unreadable"), "%s", h.msg[0]);
    ck_assert_int_eq(fsck(NDSHM_FSCK_REPAIR, &h), 0);
    ck_assert_msg(heard_of(&h, "rebuilt"), "%s", h.msg[0]);
    ck_assert_msg(exists(file),
                  "fsck --repair deleted the data file of an unreadable "
                  "record (%d problems, first: %s)",
                  h.n, h.msg[0]);
    assert_clean();
    ndshm_array *a, *v;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "a", 0), 0);
    ck_assert_int_eq(ndshm_array_open(&v, test_st, "v", 0), 0);
    ck_assert_int_eq(ndshm_array_id(v), id);
    ck_assert_str_eq(ndshm_array_base(v), "a");
    ndshm_array_close(v);
    ndshm_array_close(a);
    /* the rebuilt record counts both names: removing them frees the file */
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    ck_assert_msg(!exists(file), "the rebuilt record lost a reference");
    assert_clean();
    free(file);
}
END_TEST

START_TEST(unexpected_files)
{
    make("a", 1);
    static const char *const odd[] = {"junk.txt", ".hidden",
                                      "00000000000000AB.npy",
                                      "0000000000000001.npy.bak"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char *path = data_name_path(odd[i]);
        write_file(path, "not ours");
        assert_found(1, odd[i]);
        struct heard h;
        ck_assert_int_eq(fsck(NDSHM_FSCK_REPAIR, &h), NDSHM_ECORRUPT);
        ck_assert_int_eq(h.n, 1);
        ck_assert_int_eq(h.repaired, 0);
        ck_assert_msg(exists(path), "fsck --repair deleted data/%s", odd[i]);
        ck_assert_int_eq(unlink(path), 0);
        assert_clean();
        free(path);
    }
    assert_intact("a", 1);
}
END_TEST

static void assert_damage_stays(const char *name)
{
    assert_found(1, "damaged");
    struct heard h;
    ck_assert_int_eq(fsck(NDSHM_FSCK_REPAIR, &h), NDSHM_ECORRUPT);
    ck_assert_int_eq(h.n, 1);
    ck_assert_int_eq(h.repaired, 0);
    ck_assert_msg(heard_of(&h, "damaged"), "%s", h.msg[0]);
    /* not repairable means not removed either: the name stays */
    MDB_txn *txn;
    struct ndshm_record rec;
    ck_assert_int_eq(ndshm__catalog_read_begin(&test_st->env->cat, &txn), 0);
    int rc = ndshm__catalog_get(&test_st->env->cat, txn, name, &rec);
    ndshm__catalog_read_end(&test_st->env->cat, txn);
    ck_assert_int_eq(rc, 0);
}

START_TEST(damaged_file_size)
{
    make("a", 2);
    make("b", 1);
    char *file = data_path(id_of("a"));
    struct stat sb;
    ck_assert_int_eq(stat(file, &sb), 0);
    ck_assert_int_eq(truncate(file, sb.st_size + 4096), 0); /* too long */
    assert_damage_stays("a");
    ck_assert_int_eq(truncate(file, sb.st_size), 0); /* as it was */
    assert_clean();
    ck_assert_int_eq(truncate(file, sb.st_size - 4096), 0); /* too short */
    assert_damage_stays("a");
    assert_intact("b", 1);
    free(file);
}
END_TEST

START_TEST(damaged_control_block)
{
    make("a", 2);
    uint64_t id = id_of("a");
    char *file = data_path(id);
    struct stat sb;
    ck_assert_int_eq(stat(file, &sb), 0);
    int fd = open(file, O_RDWR);
    ck_assert_int_ge(fd, 0);
    uint64_t wrong = id + 1, right = id;
    off_t at = sb.st_size - 4096 + 8; /* the control block's id */
    ck_assert_int_eq(pwrite(fd, &wrong, 8, at), 8);
    assert_damage_stays("a");
    ck_assert_int_eq(pwrite(fd, &right, 8, at), 8);
    ck_assert_int_eq(pwrite(fd, "XXXXXXXX", 8, sb.st_size - 4096), 8);
    assert_damage_stays("a");
    ck_assert_int_eq(pwrite(fd, "NDSHMCB1", 8, sb.st_size - 4096), 8);
    close(fd);
    assert_clean();
    free(file);
}
END_TEST

/* ---- several at once ---------------------------------------------------- */

START_TEST(several_problems)
{
    make("a", 2);
    make("b", 1);
    make("c", 1);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a", 0), 0);
    crash_child("create:linked", create_x); /* a leftover */
    edit((struct edit){.id = id_of("a"), .what = SET_REFS, .refs = 9});
    char *bfile = data_path(id_of("b"));
    ck_assert_int_eq(unlink(bfile), 0); /* b's data is gone */
    edit((struct edit){.what = SET_NEXT, .next = 1});
    assert_found(4, "leftover");
    assert_found(4, "missing");
    assert_found(4, "refer");
    assert_found(4, "next file id");
    assert_repaired(4, "leftover");
    assert_intact("a", 2);
    assert_intact("c", 1);
    ck_assert_uint_eq(file_record(id_of("a")).refs, 2);
    free(bfile);
}
END_TEST

/* ---- arguments and processes -------------------------------------------- */

START_TEST(bad_arguments)
{
    ck_assert_int_eq(ndshm_fsck(NULL, 0, NULL, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_fsck(test_st, 0x2, NULL, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_fsck(test_st, ~0u, NULL, NULL), NDSHM_EINVAL);
}
END_TEST

/* A fork child may not use its parent's handle: EFORKED, and nothing
 * done (a leftover stays for the parent to find). */
START_TEST(forked_child)
{
    make("a", 1);
    char *left = data_path(0x200);
    write_file(left, "leftover");
    pid_t pid = test_fork();
    if (pid == 0) {
        struct heard h = {0};
        int rc = ndshm_fsck(test_st, NDSHM_FSCK_REPAIR, hear, &h);
        if (rc != NDSHM_EFORKED)
            _exit(1);
        if (h.n != 0)
            _exit(2);
        if (ndshm_fsck(test_st, 0, NULL, NULL) != NDSHM_EFORKED)
            _exit(3);
        _exit(0);
    }
    int status = test_wait(pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "child status 0x%x (1: not EFORKED, 2: callback called)",
                  status);
    ck_assert(exists(left));
    assert_found(1, "0000000000000200.npy");
    assert_repaired(1, "0000000000000200.npy");
    free(left);
}
END_TEST

Suite *fsck_suite(void)
{
    Suite *s = suite_create("fsck");
    TCase *tc = test_store_tcase("clean", 30);
    tcase_add_test(tc, clean_empty_store);
    tcase_add_test(tc, clean_busy_store);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("leftovers", 30);
    tcase_add_test(tc, leftover_by_hand);
    tcase_add_test(tc, leftover_of_killed_create);
    tcase_add_test(tc, leftover_skipped_by_next_create);
    tcase_add_test(tc, leftover_of_killed_remove);
    tcase_add_test(tc, tmp_of_dead_process);
    tcase_add_test(tc, tmp_of_live_process);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("catalog", 30);
    tcase_add_test(tc, refs_too_high);
    tcase_add_test(tc, refs_too_low);
    tcase_add_test(tc, wrong_owner);
    tcase_add_test(tc, owner_empty_or_stale);
    tcase_add_test(tc, data_file_missing);
    tcase_add_test(tc, file_record_without_names);
    tcase_add_test(tc, file_record_alone);
    tcase_add_test(tc, next_id_not_above_largest);
    tcase_add_test(tc, unreadable_name_record);
    tcase_add_test(tc, name_of_unknown_file);
    tcase_add_test(tc, record_outside_file);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("unrepairable", 30);
    tcase_add_test(tc, unreadable_file_record_keeps_data);
    tcase_add_test(tc, unexpected_files);
    tcase_add_test(tc, damaged_file_size);
    tcase_add_test(tc, damaged_control_block);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("combined", 30);
    tcase_add_test(tc, several_problems);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, forked_child);
    suite_add_tcase(s, tc);
    return s;
}
