/* error.h -- setting the thread-local failure detail (internal). */
#ifndef NDSHM_ERROR_H
#define NDSHM_ERROR_H

#include "ndshm.h"

#if defined(__GNUC__)
#define NDSHM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NDSHM_PRINTF(a, b)
#endif

/* Record the detail message for code and return code. */
int ndshm__err(int code, const char *fmt, ...) NDSHM_PRINTF(2, 3);

/*
 * Record "<message>: <strerror(errnum)>" and return the code errnum maps to:
 * ENOSPC/EDQUOT -> NDSHM_ENOSPC, ENOMEM -> NDSHM_ENOMEM, EROFS/EACCES on a
 * write -> NDSHM_ESYS, anything else -> NDSHM_ESYS.
 */
int ndshm__err_sys(int errnum, const char *fmt, ...) NDSHM_PRINTF(2, 3);

/* The one place LMDB's codes are translated; records "<what>: <mdb text>". */
int ndshm__err_mdb(int rc, const char *what);

/* Prefix the current detail message with "<prefix>: " (keeps the code). */
int ndshm__err_prefix(int code, const char *fmt, ...) NDSHM_PRINTF(2, 3);

#endif
