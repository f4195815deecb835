/* safety.h -- what a store must be before ndshm trusts it (internal). */
#ifndef NDSHM_SAFETY_H
#define NDSHM_SAFETY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Who a store belongs to, and the modes it gives what ndshm creates in it.
 * A store is private unless its directory grants its group rwx: then it
 * is shared with that group.
 */
struct ndshm_perms {
    uid_t owner; /* of the store directory */
    gid_t group; /* of the store directory */
    bool shared; /* with the group */
    mode_t dir_mode, file_mode;
};

/*
 * Flags for every open of a file inside a store: a symbolic link fails
 * (ELOOP), a FIFO does not block, nothing leaks into a child's exec.
 */
#define NDSHM__OPEN_FLAGS (O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)

/*
 * May the caller use the store directory path, whose stat is sb?  Fills
 * *p.  NDSHM_EUNSAFE when it is writable by others, or belongs to someone
 * else and is not shared with a group.
 */
int ndshm__safe_store(const char *path, const struct stat *sb,
                      struct ndshm_perms *p);

/*
 * Is sb, the stat of path inside the store, what ndshm expects: of type
 * type (S_IFREG or S_IFDIR), owned by the store's owner (or, in a shared
 * store, of its group), not writable by others?  NDSHM_EUNSAFE if not.
 */
int ndshm__safe_entry(const struct ndshm_perms *p, const struct stat *sb,
                      mode_t type, const char *path);

/*
 * After an open of path with NDSHM__OPEN_FLAGS failed: NDSHM_EUNSAFE when
 * it was a symbolic link, else 0 with errno unchanged.
 */
int ndshm__safe_open_failed(const char *path);

/*
 * An entry opened with NDSHM__OPEN_FLAGS: fstat it (into *sb when not
 * NULL) and check it with ndshm__safe_entry.
 */
int ndshm__safe_fd(const struct ndshm_perms *p, int fd, mode_t type,
                   const char *path, struct stat *sb);

/*
 * Give what fd refers to the store's mode for its kind, whatever the
 * umask was when it was made.  A file someone else owns is left alone.
 */
int ndshm__safe_chmod(const struct ndshm_perms *p, int fd, bool dir,
                      const char *path);

/*
 * The same for the file name in dir_fd, whose stat sb was checked with
 * ndshm__safe_entry, without opening it: closing any descriptor of a file
 * drops the process's fcntl locks on it, and LMDB holds such a lock on
 * its lock file.
 */
int ndshm__safe_chmodat(const struct ndshm_perms *p, int dir_fd,
                        const char *name, const struct stat *sb,
                        const char *path);

#endif
