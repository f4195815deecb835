/* array.h -- what the array module shares with the rest of lib (internal). */
#ifndef NDSHM_ARRAY_H
#define NDSHM_ARRAY_H

#include "catalog.h"
#include "datafile.h"

/*
 * Create array name: build its data file, init(data, ctx) its elements,
 * then publish file and name in one catalog write.  Every way of making an
 * array (create, copy, import) ends here.
 */
int ndshm__create_array(ndshm_store *st, const char *name, ndshm_dtype dtype,
                        int ndim, const int64_t *shape, ndshm_init_fn init,
                        void *ctx);

/*
 * 0 when every element of window w (of dtype) lies inside the data of file
 * f; NDSHM_ECORRUPT naming name otherwise.  Empty windows reach nothing.
 */
int ndshm__check_window(const struct ndshm_window *w, ndshm_dtype dtype,
                        const struct ndshm_file *f, const char *name);

#endif
