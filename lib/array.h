/* array.h -- what the array module shares with the rest of lib (internal). */
#ifndef NDSHM_ARRAY_H
#define NDSHM_ARRAY_H

#include "datafile.h"

/*
 * Create array name: build its data file, init(data, ctx) its elements,
 * then publish file and name in one catalog write.  Every way of making an
 * array (create, copy, import) ends here.
 */
int ndshm__create_array(ndshm_store *st, const char *name, ndshm_dtype dtype,
                        int ndim, const int64_t *shape, ndshm_init_fn init,
                        void *ctx);

#endif
