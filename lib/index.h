/*
 * index.h -- expressions (NAME[...].T...) and NumPy basic indexing applied
 * to a window's offset, shape and strides (internal).
 */
#ifndef NDSHM_INDEX_H
#define NDSHM_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "ndshm.h"

/* A strided window over a data file: what a view records. */
struct ndshm_window {
    int ndim;
    int64_t offset; /* byte offset of element (0, ..., 0) in the file */
    int64_t shape[NDSHM_MAXDIMS];
    int64_t strides[NDSHM_MAXDIMS];
};

enum ndshm_item_kind {
    NDSHM_ITEM_INT,
    NDSHM_ITEM_SLICE,
    NDSHM_ITEM_ELLIPSIS,
    NDSHM_ITEM_NEWAXIS
};

struct ndshm_item {
    enum ndshm_item_kind kind;
    int64_t value; /* NDSHM_ITEM_INT */
    bool has_start, has_stop, has_step;
    int64_t start, stop, step; /* NDSHM_ITEM_SLICE; saturated to int64 */
};

enum ndshm_op_kind { NDSHM_OP_INDEX, NDSHM_OP_TRANSPOSE };

struct ndshm_op {
    enum ndshm_op_kind kind;
    int nitems;
    struct ndshm_item *items; /* points into the owning expression */
};

/* A parsed expression; free with ndshm__expr_free. */
struct ndshm_expr {
    char name[NDSHM_NAME_MAX + 1];
    int nops;
    struct ndshm_op *ops;
    struct ndshm_item *items; /* storage for every op's items */
};

/* Check a name: identifiers separated by '/', at most NDSHM_NAME_MAX bytes. */
int ndshm__name_check(const char *name);

/* Parse text; on failure *out is zeroed.  Errors: EINVAL, ENOMEM. */
int ndshm__expr_parse(const char *text, struct ndshm_expr *out);
void ndshm__expr_free(struct ndshm_expr *e);

/*
 * Apply every op of e to w in place, exactly as NumPy's basic indexing
 * would change the array's data pointer, shape and strides.
 * Errors: NDSHM_EINDEX (an integer out of bounds), NDSHM_EINVAL.
 */
int ndshm__window_apply(struct ndshm_window *w, const struct ndshm_expr *e);

/* A C-contiguous window of the given shape at offset. */
void ndshm__window_contiguous(struct ndshm_window *w, int ndim,
                              const int64_t *shape, size_t itemsize,
                              int64_t offset);

/* The number of elements; false when it overflows int64. */
bool ndshm__shape_size(int ndim, const int64_t *shape, int64_t *size);

/*
 * The byte range [*lo, *hi) the window touches (elements of itemsize).
 * Empty windows give lo == hi == offset.  False on overflow.
 */
bool ndshm__window_extent(const struct ndshm_window *w, size_t itemsize,
                          int64_t *lo, int64_t *hi);

#endif
