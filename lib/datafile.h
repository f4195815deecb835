/*
 * datafile.h -- the layout of a data file and building one atomically
 * (internal).  A data file is:
 *   [0, 4096)                 .npy header, padded with spaces
 *   [4096, 4096 + nbytes)     the elements, C order, little-endian
 *   [ctl, ctl + 4096)         control block, ctl = 4096 + nbytes rounded up
 *                             to a page (NumPy ignores bytes past the data)
 */
#ifndef NDSHM_DATAFILE_H
#define NDSHM_DATAFILE_H

#include <stdint.h>

#include "npy.h"
#include "store.h"

#define NDSHM_PAGE      4096
#define NDSHM_CTL_MAGIC "NDSHMCB1"

/* Offsets inside the control block (docs/FORMAT.md). */
#define NDSHM_CTL_MAGIC_OFF   0  /* 8 bytes "NDSHMCB1" */
#define NDSHM_CTL_ID_OFF      8  /* u64 the file's id */
#define NDSHM_CTL_NBYTES_OFF  16 /* u64 bytes of element data */
#define NDSHM_CTL_VERSION_OFF 64 /* u64 change counter, own cache line */
#define NDSHM_CTL_WAITERS_OFF 72 /* u32 processes waiting on the version */

struct ndshm_layout {
    int64_t nbytes;     /* element bytes */
    int64_t ctl_offset; /* control block */
    int64_t total;      /* file size */
};

/* Compute the layout; NDSHM_ERANGE when the size overflows. */
int ndshm__layout(ndshm_dtype dtype, int ndim, const int64_t *shape,
                  struct ndshm_layout *out);

/* Fills the fresh (zeroed) element region of a file being built. */
typedef int (*ndshm_init_fn)(void *data, void *ctx);

/* A complete data file not yet in the catalog. */
struct ndshm_newfile {
    int fd;
    char tmpname[64];                 /* "" when unnamed (O_TMPFILE) */
    char linked[NDSHM_FILE_NAME_MAX]; /* set once linked in data/ */
    struct ndshm_env *env;
};

/*
 * Build an unnamed data file in e's data/ directory: reserve its space,
 * write the header and control block, then init(data, ctx) the elements.
 * Errors: NDSHM_ENOSPC, NDSHM_ESYS, or init's error.
 */
int ndshm__newfile_build(struct ndshm_env *e, ndshm_dtype dtype, int ndim,
                         const int64_t *shape, ndshm_init_fn init, void *ctx,
                         struct ndshm_newfile *out);

/* Give the file its final name for id: NDSHM_EEXIST if that name exists. */
int ndshm__newfile_link(struct ndshm_newfile *f, uint64_t id);

/* Remove the link made by ndshm__newfile_link (an aborted create). */
void ndshm__newfile_unlink(struct ndshm_newfile *f);

/*
 * Take the link made by ndshm__newfile_link back to a hidden temporary
 * name (".tmp.PID.RANDOM", which fsck leaves alone while this process
 * lives), so that the create can be tried again: a file made with
 * O_TMPFILE cannot be linked again once its last name is gone.
 */
void ndshm__newfile_park(struct ndshm_newfile *f);

/* Close the file; an unlinked file vanishes. */
void ndshm__newfile_close(struct ndshm_newfile *f);

#endif
