/*
 * ndshm.h -- N-dimensional arrays shared live between processes.
 *
 * A store is a directory holding an LMDB catalog and one data file per
 * array.  Every data file is a valid NumPy .npy file whose data starts at
 * byte 4096; processes map it with mmap(MAP_SHARED), so a write by one
 * process is seen by every other at once.  A view is a named window over an
 * array (NumPy basic indexing stored by name): writing through it writes the
 * array.  docs/FORMAT.md describes the files; docs/ndshm.1 the tool.
 *
 * Conventions, for every function below:
 *  - A fallible call returns 0 on success or a negative NDSHM_E* code.  After
 *    a failure, ndshm_errmsg() gives a one-line detail for the calling thread.
 *  - Constructors fill an out-parameter and set it to NULL on failure.  Each
 *    handle has exactly one destructor, which accepts NULL.
 *  - Pointers returned by accessors are borrowed: they stay valid until the
 *    handle they came from is closed.
 *  - Shapes, strides and offsets are int64_t, strides in bytes (they may be
 *    negative, as NumPy's may).
 *  - Handles may be used from several threads, but not concurrently on the
 *    same array handle for writes without the caller's own ordering.
 *  - Handles do not cross fork(): in the child, an array opened before the
 *    fork still reads, writes, waits and notifies through its shared
 *    memory and can be closed, but calls that use the catalog or locks
 *    (every store call, ndshm_array_stale, lock, unlock) return
 *    NDSHM_EFORKED; open the store again in the child.
 *
 * What is guaranteed (docs/ndshm.1, CONCURRENCY, says the same):
 *  - Creating, viewing, copying and removing names are atomic, and
 *    durable once they return: a process killed at any instant leaves
 *    either nothing or the whole change, and at worst a file that no name
 *    refers to, which ndshm_fsck finds and removes.
 *  - Element writes are plain stores into shared memory, not atomic as a
 *    whole: a reader during a concurrent write may see some elements old
 *    and some new.  Use ndshm_array_lock where that matters.
 *  - Space is reserved when an array is created: a full file system fails
 *    the create with NDSHM_ENOSPC, never a later write with SIGBUS.
 */
#ifndef NDSHM_H
#define NDSHM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NDSHM_BUILDING) && defined(__GNUC__)
#define NDSHM_API __attribute__((visibility("default")))
#else
#define NDSHM_API
#endif

/* Most dimensions an array or view may have (NumPy's limit). */
#define NDSHM_MAXDIMS 32
/* Longest array name, in bytes, without the terminating NUL. */
#define NDSHM_NAME_MAX 255

/* ------------------------------------------------------------------------
 * Errors
 *
 * One list generates the codes, their names and their messages.  Codes are
 * append-only: a code's number never changes once released.
 * ---------------------------------------------------------------------- */
#define NDSHM_ERRNO_MAP(XX)                                                   \
    XX(EINVAL, -1, "invalid argument")                                        \
    XX(ENOTFOUND, -2, "no such array")                                        \
    XX(EEXIST, -3, "name already exists")                                     \
    XX(ENOSPC, -4, "no space left on device")                                 \
    XX(EREADONLY, -5, "array is read-only")                                   \
    XX(ERANGE, -6, "value out of range")                                      \
    XX(EINDEX, -7, "index out of bounds")                                     \
    XX(ECORRUPT, -8, "store is corrupt")                                      \
    XX(EVERSION, -9, "unsupported store format")                              \
    XX(ENOMEM, -10, "out of memory")                                          \
    XX(ESYS, -11, "system call failed")                                       \
    XX(ETIMEDOUT, -12, "timed out")                                           \
    XX(EFORKED, -13, "handle used in a child process after fork")           \
    XX(EUNSAFE, -14, "store is not safe to use")

typedef enum ndshm_error {
    NDSHM_OK = 0,
#define NDSHM_XX_(name, code, msg) NDSHM_##name = (code),
    NDSHM_ERRNO_MAP(NDSHM_XX_)
#undef NDSHM_XX_
} ndshm_error;

/* The static message of an error code ("no such array"); never NULL. */
NDSHM_API const char *ndshm_strerror(int code);

/* The code's name without prefix ("ENOTFOUND"), or "UNKNOWN". Never NULL. */
NDSHM_API const char *ndshm_errname(int code);

/*
 * The detail of the last failure in the calling thread, one line without a
 * trailing newline ("no such array 'temps'").  Valid until the next call
 * into the library from this thread.  Read it only after a call failed; it
 * is "" when the thread has seen no failure.
 */
NDSHM_API const char *ndshm_errmsg(void);

/* The library's version, "MAJOR.MINOR.PATCH". */
NDSHM_API const char *ndshm_version(void);

/* ------------------------------------------------------------------------
 * Element types
 *
 * The numbers are part of the on-disk format (docs/FORMAT.md): they never
 * change.  Data is always little-endian.
 * ---------------------------------------------------------------------- */
typedef enum ndshm_dtype {
    NDSHM_BOOL = 1,
    NDSHM_INT8 = 2,
    NDSHM_INT16 = 3,
    NDSHM_INT32 = 4,
    NDSHM_INT64 = 5,
    NDSHM_UINT8 = 6,
    NDSHM_UINT16 = 7,
    NDSHM_UINT32 = 8,
    NDSHM_UINT64 = 9,
    NDSHM_FLOAT16 = 10,
    NDSHM_FLOAT32 = 11,
    NDSHM_FLOAT64 = 12,
    NDSHM_COMPLEX64 = 13,
    NDSHM_COMPLEX128 = 14
} ndshm_dtype;

/*
 * Parse a dtype as NumPy spells it: names ("float64", "double", "int"),
 * one-letter codes ("d", "i", "?") and descr strings ("<f8", "|b1", "f8",
 * "=i4").  Big-endian descrs (">f8") and types ndshm does not hold (object,
 * strings, structured) are refused.
 * Errors: NDSHM_EINVAL.
 */
NDSHM_API int ndshm_dtype_parse(const char *text, ndshm_dtype *out);

/* NumPy's name of a dtype ("float64"), or NULL for an invalid value. */
NDSHM_API const char *ndshm_dtype_name(ndshm_dtype dtype);

/* NumPy's descr string of a dtype ("<f8", "|b1"), or NULL if invalid. */
NDSHM_API const char *ndshm_dtype_descr(ndshm_dtype dtype);

/* Bytes per element, or 0 for an invalid dtype. */
NDSHM_API size_t ndshm_dtype_size(ndshm_dtype dtype);

/*
 * Convert count elements from src (of src_type) to dst (of dst_type), both
 * contiguous and not overlapping.  Conversions follow NumPy's casts
 * (floats to integers truncate toward zero; anything nonzero is True) but
 * refuse what NumPy would lose silently: an integer out of the target's
 * range, a NaN or infinity into an integer, a finite value that overflows a
 * float type, a complex number with a nonzero imaginary part into a real
 * type.  On failure nothing is promised about dst; convert into a scratch
 * buffer when the destination must stay untouched.
 * Errors: NDSHM_EINVAL (bad dtype), NDSHM_ERANGE (the message names the
 * element and its value).
 */
NDSHM_API int ndshm_convert(ndshm_dtype dst_type, void *dst,
                            ndshm_dtype src_type, const void *src,
                            size_t count);

/* ------------------------------------------------------------------------
 * Stores
 * ---------------------------------------------------------------------- */
typedef struct ndshm_store ndshm_store;

/*
 * Open the store in directory dir, creating it (mode 0700) and its catalog
 * on first use.  dir NULL means $NDSHM_STORE if set and non-empty, else
 * /dev/shm/ndshm-$UID, else $TMPDIR/ndshm-$UID (or /tmp/ndshm-$UID) where
 * /dev/shm is absent.  Only the last path component is created.  flags must
 * be 0.
 *
 * A store is private (directories 0700, files 0600) unless its directory
 * grants its group read, write and search (e.g. created with mode 2770):
 * then it is shared with that group (directories 2770, files 0660),
 * whatever the umask.  The directory must belong to the caller or be so
 * shared, and must not be writable by others; every file and directory
 * ndshm expects inside must be what it expects (no symbolic link, FIFO or
 * device, no owner other than the store's or the caller, not writable by
 * others), or the open fails with NDSHM_EUNSAFE.
 *
 * Opening the same directory several times in one process shares one LMDB
 * environment, as LMDB requires.  Slots of the LMDB reader table left by
 * dead processes are cleared here.
 * Errors: NDSHM_EINVAL, NDSHM_EUNSAFE, NDSHM_EVERSION (the catalog was
 * written by a newer format), NDSHM_ECORRUPT, NDSHM_ENOMEM, NDSHM_ESYS.
 */
NDSHM_API int ndshm_store_open(ndshm_store **out, const char *dir,
                               unsigned flags);

/* Close a store handle.  Arrays opened from it stay usable. NULL is a no-op.
 */
NDSHM_API void ndshm_store_close(ndshm_store *st);

/* The store's directory as an absolute path; borrowed from st. */
NDSHM_API const char *ndshm_store_path(const ndshm_store *st);

/* ------------------------------------------------------------------------
 * Creating, naming and removing arrays
 *
 * Names are like Python identifiers ([A-Za-z_][A-Za-z0-9_]*), optionally in
 * '/'-separated namespaces ("sim/temps"), at most NDSHM_NAME_MAX bytes.
 * Creation is atomic: the name appears only with a complete data file, and
 * a crash at any instant leaves either nothing or the whole array.
 *
 * An expression (expr) names an array or view and may index it with NumPy
 * basic indexing:  NAME ( '[' INDEX ']' | '.T' )*  where INDEX is a
 * comma-separated list of integers (negative count from the end), slices
 * start:stop:step (any part optional, clamped as Python clamps), '...',
 * and None / newaxis.  Example: "frames[-1, ::2, 10:-10].T".
 * ---------------------------------------------------------------------- */

/*
 * Create array name of the given dtype and shape (ndim 0 to NDSHM_MAXDIMS,
 * dimensions >= 0).  Every element is zero, or a copy of the one element
 * *fill (of dtype) when fill is not NULL.  The space is reserved on the
 * store's file system now, so a full disk fails here, never later.
 * flags must be 0.
 * Errors: NDSHM_EINVAL (name, dtype, shape), NDSHM_EEXIST, NDSHM_ENOSPC,
 * NDSHM_ERANGE (the size overflows), NDSHM_ESYS, NDSHM_ENOMEM.
 */
NDSHM_API int ndshm_array_create(ndshm_store *st, const char *name,
                                 ndshm_dtype dtype, int ndim,
                                 const int64_t *shape, const void *fill,
                                 unsigned flags);

/*
 * As ndshm_array_create, with the contents copied from data: elements of
 * dtype laid out with strides (bytes, one per dimension), or C-contiguous
 * when strides is NULL.  data must not be NULL unless the array is empty.
 * flags must be 0.  Errors: those of ndshm_array_create.
 */
NDSHM_API int ndshm_array_create_from_buffer(ndshm_store *st, const char *name,
                                             ndshm_dtype dtype, int ndim,
                                             const int64_t *shape,
                                             const void *data,
                                             const int64_t *strides,
                                             unsigned flags);

/* ndshm_view_create and ndshm_array_open flag: writes through the view
 * (or the handle) are refused. */
#define NDSHM_READONLY 0x1u

/*
 * Create view name over the window that expr denotes.  The view records the
 * base array, byte offset, shape and strides; a view of a view resolves to
 * the base array, as NumPy's .base does.  With NDSHM_READONLY, or when expr
 * is itself read-only, the view is read-only.  The view keeps the base
 * array's data alive after the base array's name is removed.
 * Errors: NDSHM_EINVAL (name, expression syntax, advanced indexing),
 * NDSHM_EINDEX, NDSHM_ENOTFOUND, NDSHM_EEXIST, NDSHM_ESYS.
 */
NDSHM_API int ndshm_view_create(ndshm_store *st, const char *name,
                                const char *expr, unsigned flags);

/*
 * Create array name as an independent C-contiguous copy of the window expr
 * denotes: writes to either never reach the other.  flags must be 0.
 * Errors: as ndshm_view_create, plus NDSHM_ENOSPC.
 */
NDSHM_API int ndshm_copy(ndshm_store *st, const char *name, const char *expr,
                         unsigned flags);

/*
 * Remove name (an array or a view) from the catalog.  An array's data file
 * is deleted when no name refers to it any more: removing an array that
 * views still use removes only its name.  Processes that have the data
 * mapped keep a valid mapping.
 * Errors: NDSHM_EINVAL, NDSHM_ENOTFOUND, NDSHM_ESYS.
 */
NDSHM_API int ndshm_remove(ndshm_store *st, const char *name);

/*
 * Call fn(name, ctx) for every array and view in name order, as they were
 * in one consistent snapshot of the catalog (taken before the first call,
 * so fn may change the store).  A nonzero return from fn stops the walk
 * and is returned.
 * Errors: NDSHM_ECORRUPT, NDSHM_ENOMEM, NDSHM_ESYS, or fn's value.
 */
typedef int (*ndshm_list_fn)(const char *name, void *ctx);
NDSHM_API int ndshm_list(ndshm_store *st, ndshm_list_fn fn, void *ctx);

/*
 * Create array name from the .npy file at path (format versions 1.0 to
 * 3.0).  Fortran-order and big-endian files are converted to C order and
 * little-endian; object, string and structured dtypes are refused.
 * flags must be 0.
 * Errors: NDSHM_EINVAL (not a .npy file, unsupported dtype, truncated),
 * plus those of ndshm_array_create.
 */
NDSHM_API int ndshm_npy_import(ndshm_store *st, const char *name,
                               const char *path, unsigned flags);

/* ------------------------------------------------------------------------
 * Open arrays: mapped windows
 * ---------------------------------------------------------------------- */
typedef struct ndshm_array ndshm_array;

/*
 * Open the window that expr denotes and map it into this process.  The
 * mapping is shared with every other process: a store through
 * ndshm_array_data() is seen by all at once, with no copy and no message.
 * Opening the same array several times in one process shares one mapping
 * (one per access: read-only and read-write handles map it separately).
 * With NDSHM_READONLY, or when expr names a read-only view, the data is
 * mapped PROT_READ and writes through the library fail.
 * Errors: NDSHM_EINVAL, NDSHM_EINDEX, NDSHM_ENOTFOUND, NDSHM_ECORRUPT,
 * NDSHM_ESYS, NDSHM_ENOMEM.
 */
NDSHM_API int ndshm_array_open(ndshm_array **out, ndshm_store *st,
                               const char *expr, unsigned flags);

/* Close an open array; its mapping goes when no handle uses it. NULL ok. */
NDSHM_API void ndshm_array_close(ndshm_array *a);

/*
 * Accessors.  data points at the window's first element (index 0 in every
 * dimension), inside the shared mapping; element i is at
 * data + sum(i[k] * strides[k]).  shape and strides have ndim entries.
 */
NDSHM_API void *ndshm_array_data(const ndshm_array *a);
NDSHM_API ndshm_dtype ndshm_array_dtype(const ndshm_array *a);
NDSHM_API int ndshm_array_ndim(const ndshm_array *a);
NDSHM_API const int64_t *ndshm_array_shape(const ndshm_array *a);
NDSHM_API const int64_t *ndshm_array_strides(const ndshm_array *a);
/* Number of elements (the product of the shape; 1 for ndim 0). */
NDSHM_API int64_t ndshm_array_size(const ndshm_array *a);
/* 1 when writes are refused, else 0. */
NDSHM_API int ndshm_array_readonly(const ndshm_array *a);
/* 1 when the window is a view (a view record, or an indexed expression). */
NDSHM_API int ndshm_array_is_view(const ndshm_array *a);
/* The catalog name the expression started from ("arr" for "arr[1:]"). */
NDSHM_API const char *ndshm_array_name(const ndshm_array *a);
/*
 * For a view, the name of the array it looks into, or NULL when that name
 * had been removed (the data lives on) by the time a was opened.  NULL for
 * an array, which owns its data (as NumPy's .base is None).
 */
NDSHM_API const char *ndshm_array_base(const ndshm_array *a);
/* Absolute path of the data file (a .npy file NumPy can map). */
NDSHM_API const char *ndshm_array_path(const ndshm_array *a);
/* Byte offset in the data file of the window's first element. */
NDSHM_API int64_t ndshm_array_offset(const ndshm_array *a);
/* The data file's id: unique in the store and never reused. */
NDSHM_API uint64_t ndshm_array_id(const ndshm_array *a);

/*
 * Copy the window into dst, laid out with dst_strides (bytes per
 * dimension), or C-contiguous when dst_strides is NULL.  dst must not
 * overlap the shared mapping.
 * Errors: NDSHM_EINVAL.
 */
NDSHM_API int ndshm_array_read(const ndshm_array *a, void *dst,
                               const int64_t *dst_strides);

/*
 * As ndshm_array_read, converting every element to dtype on the way, with
 * ndshm_convert's rules and checks.
 * Errors: NDSHM_ERANGE (dst may hold the elements converted before the
 * refused one), NDSHM_EINVAL.
 */
NDSHM_API int ndshm_array_read_as(const ndshm_array *a, ndshm_dtype dtype,
                                  void *dst, const int64_t *dst_strides);

/*
 * Copy src into the window.  src has the window's shape and dtype, laid out
 * with src_strides (a stride of 0 repeats, as NumPy broadcasting does), or
 * C-contiguous when src_strides is NULL.  src must not overlap the shared
 * mapping.  Bumps the array's version.
 * Errors: NDSHM_EREADONLY, NDSHM_EINVAL.
 */
NDSHM_API int ndshm_array_write(ndshm_array *a, const void *src,
                                const int64_t *src_strides);

/*
 * Set every element of the window to the one element *value (of the
 * array's dtype).  Bumps the array's version.
 * Errors: NDSHM_EREADONLY, NDSHM_EINVAL.
 */
NDSHM_API int ndshm_array_fill(ndshm_array *a, const void *value);

/* ------------------------------------------------------------------------
 * Change notification
 *
 * Every array has a change counter, its version, in its data file's
 * control block: one counter per data file, shared by every process and
 * by every view of the array.  ndshm_array_write and ndshm_array_fill
 * increment it after their writes; a program that writes through the data
 * pointer calls ndshm_array_notify when done.  Waiters sleep on it (a
 * futex on the shared mapping) and wake when it moves.
 * ---------------------------------------------------------------------- */

/* The array's version now. */
NDSHM_API uint64_t ndshm_array_version(const ndshm_array *a);

/*
 * Increment the version and wake every process waiting on it.  A no-op for
 * a read-only handle, which cannot have changed anything.
 */
NDSHM_API void ndshm_array_notify(ndshm_array *a);

/*
 * Wait until the version differs from seen (a value the caller read
 * earlier, from ndshm_array_version or a previous wait), and store the new
 * version in *version (if not NULL).  A change made before the call is not
 * missed: if the version already differs, the call returns at once.
 * timeout is in seconds; negative waits for ever.
 * Works in a fork child too: it only touches the shared mapping.
 * Errors: NDSHM_ETIMEDOUT (*version holds the unchanged version),
 * NDSHM_EINVAL (a NULL handle, a NaN timeout).
 */
NDSHM_API int ndshm_array_wait(ndshm_array *a, uint64_t seen, double timeout,
                               uint64_t *version);

/* ------------------------------------------------------------------------
 * Locks
 *
 * Advisory shared/exclusive locks over the byte range of the data file
 * that a window spans, from its first to its last element: two windows
 * whose ranges do not overlap (different rows, say) never wait on each
 * other; interleaved windows (a[::2] and a[1::2]) share a range and do.
 * They are Linux open file description (OFD) locks: each handle holds its
 * own, so two handles conflict even in one process, and the kernel
 * releases a lock when its holder dies.  Locks bind only those who take
 * them: writes through the library or the data pointer are not blocked.
 * ---------------------------------------------------------------------- */
#define NDSHM_LOCK_SHARED    1
#define NDSHM_LOCK_EXCLUSIVE 2

/*
 * Take a lock of mode (NDSHM_LOCK_SHARED or NDSHM_LOCK_EXCLUSIVE) on a's
 * range, waiting up to timeout seconds (0: try once; negative: for ever).
 * Taking a lock when a holds one converts it (a shared lock becomes
 * exclusive, or the reverse).  An empty window locks nothing.
 * Errors: NDSHM_ETIMEDOUT, NDSHM_EREADONLY (an exclusive lock on a
 * read-only handle), NDSHM_EINVAL, NDSHM_EFORKED, NDSHM_ESYS.
 */
NDSHM_API int ndshm_array_lock(ndshm_array *a, int mode, double timeout);

/* Release a's lock; a no-op when it holds none.
 * Errors: NDSHM_EINVAL, NDSHM_EFORKED, NDSHM_ESYS. */
NDSHM_API int ndshm_array_unlock(ndshm_array *a);

/* ------------------------------------------------------------------------
 * Names that change under open handles
 *
 * A handle keeps its mapping whatever happens to names: after its name is
 * removed, or removed and created again as another array, it still reads
 * and writes the data it opened (which lives until the last handle and the
 * last view let go).  It can ask whether its name still means that data.
 * ---------------------------------------------------------------------- */

/*
 * 0 when the name a was opened from still refers to the same data file
 * and window, 1 when it does not (removed, or created again: a new array
 * has a new id), or a negative error (NDSHM_EFORKED, NDSHM_ESYS).
 */
NDSHM_API int ndshm_array_stale(const ndshm_array *a);

/* ------------------------------------------------------------------------
 * Checking a store
 * ---------------------------------------------------------------------- */

/* ndshm_fsck flag: repair what can be repaired. */
#define NDSHM_FSCK_REPAIR 0x1u

/*
 * Called once per problem found, with a one-line description and whether
 * it was repaired.
 */
typedef void (*ndshm_fsck_fn)(const char *problem, int repaired, void *ctx);

/*
 * Check that the catalog and the data files agree: every name's record is
 * readable and lies inside its data file, every data file is complete,
 * reference counts are right, and no data file is left that no record
 * names (what a crash between creating a file and committing its name, or
 * between removing a name and deleting its file, leaves behind).  With
 * NDSHM_FSCK_REPAIR, leftover files are deleted, counts are corrected, and
 * names whose data file is gone are removed.  The check holds the catalog
 * writer lock, so it sees no half-made array; other processes keep reading
 * meanwhile.  fn (may be NULL) hears of each problem.
 * Returns 0 when the store is consistent at the end (nothing found, or
 * all repaired), NDSHM_ECORRUPT when problems remain.
 * Errors: NDSHM_EFORKED, NDSHM_ESYS.
 */
NDSHM_API int ndshm_fsck(ndshm_store *st, unsigned flags, ndshm_fsck_fn fn,
                         void *ctx);

/*
 * Write the window as a new standalone .npy file (format 1.0, C order,
 * laid out as numpy.save lays it out) at path, replacing any file there.
 * The file appears whole or not at all.  flags must be 0.
 * Errors: NDSHM_EINVAL, NDSHM_ENOSPC, NDSHM_ESYS.
 */
NDSHM_API int ndshm_npy_export(const ndshm_array *a, const char *path,
                               unsigned flags);

/* ------------------------------------------------------------------------
 * Progress
 *
 * Copies, imports, exports and checks of big stores can take seconds.
 * A program that wants to show how far one has got sets a callback for
 * its thread; ndshm_copy, ndshm_array_create_from_buffer,
 * ndshm_npy_import, ndshm_npy_export and ndshm_fsck then call it in that
 * thread as they go.
 * ---------------------------------------------------------------------- */

/* What a progress report counts. */
#define NDSHM_PROGRESS_BYTES 0 /* bytes of data copied */
#define NDSHM_PROGRESS_FILES 1 /* data files checked (ndshm_fsck) */

/*
 * Called with done == 0 when an operation starts, then as it advances
 * (about every 64 MiB of data, or every data file), and with done == total
 * when it is over, unless it failed.  unit is NDSHM_PROGRESS_BYTES or
 * NDSHM_PROGRESS_FILES.  It must not call into ndshm.
 */
typedef void (*ndshm_progress_fn)(uint64_t done, uint64_t total, int unit,
                                  void *ctx);

/*
 * Set the calling thread's progress callback (NULL: none, the default).
 * Reporting splits big copies into slices: set it only where it is shown.
 */
NDSHM_API void ndshm_set_progress(ndshm_progress_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NDSHM_H */
