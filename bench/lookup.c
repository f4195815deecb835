/*
 * lookup.c -- a catalog lookup, against a raw LMDB get on the same
 * catalog.
 *
 *   lookup make STORE N     fill STORE with N names (views of one array)
 *   lookup ndshm STORE N    ndshm_array_stale on open handles of random
 *                           names: one read of the catalog each
 *   lookup lmdb STORE N     the floor: renew a read transaction, mdb_get a
 *                           random name, reset (in a process of its own,
 *                           since LMDB allows one environment per file)
 */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ndshm.h"

#define HANDLES 1000

static void name_of(char *buf, size_t cap, long i)
{
    snprintf(buf, cap, "n%07ld", i);
}

struct lib_ctx {
    ndshm_array *a[HANDLES];
};

static void lib_lookups(void *p)
{
    struct lib_ctx *c = p;
    for (int i = 0; i < HANDLES; i++)
        if (ndshm_array_stale(c->a[i]) != 0)
            abort();
}

struct raw_ctx {
    MDB_txn *txn;
    MDB_dbi dbi;
    char names[HANDLES][16];
};

static void raw_lookups(void *p)
{
    struct raw_ctx *c = p;
    for (int i = 0; i < HANDLES; i++) {
        if (mdb_txn_renew(c->txn) != 0)
            abort();
        MDB_val k = {strlen(c->names[i]), c->names[i]}, v;
        if (mdb_get(c->txn, c->dbi, &k, &v) != 0)
            abort();
        mdb_txn_reset(c->txn);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: lookup make|ndshm|lmdb STORE N\n");
        return 2;
    }
    long n = atol(argv[3]);
    char name[32];
    srand(42);
    if (strcmp(argv[1], "lmdb") == 0) {
        struct raw_ctx *c = calloc(1, sizeof *c);
        MDB_env *env;
        char path[4200];
        snprintf(path, sizeof path, "%s/catalog.mdb", argv[2]);
        if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 4) ||
            mdb_env_set_mapsize(env, (size_t)1 << 30) ||
            mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOTLS | MDB_RDONLY,
                         0) ||
            mdb_txn_begin(env, NULL, MDB_RDONLY, &c->txn) ||
            mdb_dbi_open(c->txn, "names", 0, &c->dbi) ||
            mdb_txn_commit(c->txn) || /* keeps the database handle */
            mdb_txn_begin(env, NULL, MDB_RDONLY, &c->txn))
            return 1;
        mdb_txn_reset(c->txn);
        for (int i = 0; i < HANDLES; i++)
            name_of(c->names[i], sizeof c->names[i], rand() % n);
        bench_report("lookup/lmdb",
                     bench_median(raw_lookups, c, 100) / HANDLES);
        return 0;
    }
    ndshm_store *st;
    if (ndshm_store_open(&st, argv[2], 0) != 0) {
        fprintf(stderr, "lookup: %s\n", ndshm_errmsg());
        return 1;
    }
    if (strcmp(argv[1], "make") == 0) {
        const int64_t four = 4;
        ndshm_array_create(st, "base", NDSHM_INT64, 1, &four, NULL, 0);
        for (long i = 0; i < n; i++) {
            name_of(name, sizeof name, i);
            if (ndshm_view_create(st, name, "base[1:]", 0) != 0) {
                fprintf(stderr, "lookup: %s\n", ndshm_errmsg());
                return 1;
            }
        }
    } else {
        struct lib_ctx *c = calloc(1, sizeof *c);
        for (int i = 0; i < HANDLES; i++) {
            name_of(name, sizeof name, rand() % n);
            if (ndshm_array_open(&c->a[i], st, name, 0) != 0)
                return 1;
        }
        bench_report("lookup/ndshm",
                     bench_median(lib_lookups, c, 100) / HANDLES);
    }
    ndshm_store_close(st);
    return 0;
}
