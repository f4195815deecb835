/*
 * mapping.h -- the process-wide cache of mapped data files, so that opening
 * the same array twice in a process shares one mapping (internal).
 */
#ifndef NDSHM_MAPPING_H
#define NDSHM_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "datafile.h"
#include "store.h"

struct ndshm_mapping {
    dev_t dev; /* of the store directory */
    ino_t ino;
    uint64_t id;
    ndshm_dtype dtype;   /* of the elements, as the catalog said */
    bool writable;       /* the elements may be written */
    bool ctl_writable;   /* the control block may be (waiters count) */
    unsigned char *base; /* the whole file */
    int fd;              /* kept open: locks reopen the file through it */
    struct ndshm_layout layout;
    int refs;
    struct ndshm_mapping *next;
};

/*
 * Map data file id of store e (or take another reference to its mapping).
 * The file must be at least layout->total bytes and carry the control
 * block of id.  Errors: NDSHM_ENOTFOUND (the file is gone: a concurrent
 * remove), NDSHM_ECORRUPT, NDSHM_ESYS, NDSHM_ENOMEM.
 */
int ndshm__mapping_get(struct ndshm_env *e, uint64_t id, bool writable,
                       ndshm_dtype dtype, const struct ndshm_layout *layout,
                       struct ndshm_mapping **out);

/* The mapping already made, with one more reference, or NULL. */
struct ndshm_mapping *ndshm__mapping_find(const struct ndshm_env *e,
                                          uint64_t id, bool writable);
void ndshm__mapping_put(struct ndshm_mapping *m);

/* The shared change counter in the control block. */
uint64_t *ndshm__mapping_version(const struct ndshm_mapping *m);

/*
 * The count of processes waiting on the version, or NULL when this
 * mapping cannot write its control block (a file we may only read).
 */
uint32_t *ndshm__mapping_waiters(const struct ndshm_mapping *m);

#endif
