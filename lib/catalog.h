/*
 * catalog.h -- the LMDB catalog: record encoding and the reads and writes
 * of names, data files and meta data (internal).
 */
#ifndef NDSHM_CATALOG_H
#define NDSHM_CATALOG_H

#include <lmdb.h>
#include <sys/types.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "index.h"
#include "ndshm.h"

/* The catalog format this library reads and writes (docs/FORMAT.md). */
#define NDSHM_FORMAT 1

enum ndshm_kind { NDSHM_KIND_ARRAY = 1, NDSHM_KIND_VIEW = 2 };

/* A name's record (the "names" database). */
struct ndshm_record {
    int kind;
    uint32_t flags; /* NDSHM_READONLY */
    uint64_t id;    /* the data file it windows */
    ndshm_dtype dtype;
    struct ndshm_window win;
};

/* A data file's record (the "files" database). */
struct ndshm_file {
    uint64_t id;
    ndshm_dtype dtype;
    int ndim;
    int64_t shape[NDSHM_MAXDIMS];
    uint32_t refs;                  /* names that refer to the file */
    char owner[NDSHM_NAME_MAX + 1]; /* its array's name; "" once removed */
};

struct ndshm_catalog {
    MDB_env *env;
    MDB_dbi meta, names, files;
    /* Held shared by every transaction of this process and exclusively
     * to change the map size, which LMDB allows only with none active. */
    pthread_rwlock_t resize;
    bool map_full; /* a put of the current write ran out of map */
    /* Read transactions ended by reset, kept to be renewed: a renew
     * reuses the reader slot, where a begin must claim one under LMDB's
     * reader mutex.  With MDB_NOTLS any thread may renew any of them. */
    pthread_mutex_t idle_lock;
    MDB_txn *idle[16];
    int nidle;
};

/* The map size a catalog starts with; tests lower it to make it grow. */
extern size_t ndshm__catalog_map_size;

/*
 * Test hook: when set, called at the named points of every change of the
 * catalog and its files ("create:linked" after a new file is linked and
 * before its name commits, ...), so that a test can kill the process
 * there.  NULL in normal use.
 */
extern void (*ndshm__crash_hook)(const char *point);
#define NDSHM_CRASH_POINT(name)                                               \
    do {                                                                      \
        if (ndshm__crash_hook)                                                \
            ndshm__crash_hook(name);                                          \
    } while (0)

/* Open (creating if needed, with mode) the catalog at path; checks the
 * format. */
int ndshm__catalog_open(struct ndshm_catalog *c, const char *path,
                        mode_t mode);
void ndshm__catalog_close(struct ndshm_catalog *c);

/* A read transaction; end it with ndshm__catalog_read_end. */
int ndshm__catalog_read_begin(struct ndshm_catalog *c, MDB_txn **txn);
void ndshm__catalog_read_end(struct ndshm_catalog *c, MDB_txn *txn);

/*
 * Run fn in one write transaction and commit.  When fn or the commit
 * fails, undo(ctx) (if not NULL) reverts fn's effects outside LMDB.  When
 * the catalog's map is full, the map grows and fn runs again (after undo).
 */
typedef int (*ndshm_txn_fn)(struct ndshm_catalog *c, MDB_txn *txn, void *ctx);
int ndshm__catalog_write(struct ndshm_catalog *c, ndshm_txn_fn fn,
                         void (*undo)(void *ctx), void *ctx);

int ndshm__catalog_get(struct ndshm_catalog *c, MDB_txn *txn, const char *name,
                       struct ndshm_record *out);
int ndshm__catalog_put(struct ndshm_catalog *c, MDB_txn *txn, const char *name,
                       const struct ndshm_record *rec);
int ndshm__catalog_del(struct ndshm_catalog *c, MDB_txn *txn,
                       const char *name);
int ndshm__catalog_get_file(struct ndshm_catalog *c, MDB_txn *txn, uint64_t id,
                            struct ndshm_file *out);
int ndshm__catalog_put_file(struct ndshm_catalog *c, MDB_txn *txn,
                            const struct ndshm_file *f);
int ndshm__catalog_del_file(struct ndshm_catalog *c, MDB_txn *txn,
                            uint64_t id);
/* Take the next never-used file id and advance the counter. */
int ndshm__catalog_take_id(struct ndshm_catalog *c, MDB_txn *txn,
                           uint64_t *id);

/* Call fn for every name in order. */
int ndshm__catalog_walk(struct ndshm_catalog *c, MDB_txn *txn,
                        int (*fn)(const char *name, void *ctx), void *ctx);

/*
 * For fsck: call fn for every name with its record, or with the error
 * decoding it gave (rc, record zeroed), in name order.
 */
int ndshm__catalog_walk_records(struct ndshm_catalog *c, MDB_txn *txn,
                                int (*fn)(const char *name,
                                          const struct ndshm_record *rec,
                                          int rc, void *ctx),
                                void *ctx);

/* For fsck: call fn for every file record (or its decoding error). */
int ndshm__catalog_walk_files(struct ndshm_catalog *c, MDB_txn *txn,
                              int (*fn)(const struct ndshm_file *f, int rc,
                                        void *ctx),
                              void *ctx);

/* The next file id, and setting it (fsck). */
int ndshm__catalog_next_id(struct ndshm_catalog *c, MDB_txn *txn,
                           uint64_t *id);
int ndshm__catalog_set_next_id(struct ndshm_catalog *c, MDB_txn *txn,
                               uint64_t id);

/* Encoding, exposed for the tests. Sizes in bytes; 0 on error. */
size_t ndshm__record_encode(const struct ndshm_record *r, unsigned char *buf,
                            size_t cap);
int ndshm__record_decode(const unsigned char *buf, size_t len,
                         struct ndshm_record *r);
size_t ndshm__file_encode(const struct ndshm_file *f, unsigned char *buf,
                          size_t cap);
int ndshm__file_decode(const unsigned char *buf, size_t len,
                       struct ndshm_file *f);

#endif
