/*
 * safety.c -- what a store must be before ndshm trusts it.
 *
 * A store's files are mapped into every process that uses it and its
 * catalog says which file holds which array, so whoever can replace them
 * controls what those processes read and write.  ndshm therefore trusts a
 * store only when nobody but its owner (or, in a shared store, its group)
 * can have put anything there: the directory is not writable by others,
 * and everything ndshm opens inside it is opened without following a
 * symbolic link, checked to be a regular file or directory, and owned by
 * the store's owner or group.  The checks on the directory make those on
 * the entries race-free: no one else can swap an entry after its check.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "ndshm.h"
#include "safety.h"

static const char *kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symbolic link";
    case S_IFIFO: return "a FIFO";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    }
    return "of an unknown type";
}

int ndshm__safe_store(const char *path, const struct stat *sb,
                      struct ndshm_perms *p)
{
    p->owner = sb->st_uid;
    p->group = sb->st_gid;
    p->shared = (sb->st_mode & S_IRWXG) == S_IRWXG;
    p->dir_mode = p->shared ? (S_ISGID | S_IRWXU | S_IRWXG) : S_IRWXU;
    p->file_mode = p->shared ? 0660 : 0600;
    if (sb->st_mode & S_IWOTH)
        return ndshm__err(NDSHM_EUNSAFE,
                          "store directory %s is writable by other users "
                          "(mode %04o)",
                          path, (unsigned)(sb->st_mode & 07777));
    if (sb->st_uid != geteuid() && !p->shared)
        return ndshm__err(NDSHM_EUNSAFE,
                          "store directory %s belongs to user %lu and is not "
                          "shared with a group",
                          path, (unsigned long)sb->st_uid);
    return 0;
}

int ndshm__safe_entry(const struct ndshm_perms *p, const struct stat *sb,
                      mode_t type, const char *path)
{
    if ((sb->st_mode & S_IFMT) != type)
        return ndshm__err(NDSHM_EUNSAFE, "%s is %s, not %s", path,
                          kind(sb->st_mode), kind(type));
    bool ours = sb->st_uid == p->owner || sb->st_uid == geteuid() ||
                (p->shared && sb->st_gid == p->group);
    if (!ours)
        return ndshm__err(NDSHM_EUNSAFE,
                          "%s belongs to user %lu, not to the store's owner",
                          path, (unsigned long)sb->st_uid);
    if (sb->st_mode & S_IWOTH)
        return ndshm__err(NDSHM_EUNSAFE,
                          "%s is writable by other users (mode %04o)", path,
                          (unsigned)(sb->st_mode & 07777));
    return 0;
}

int ndshm__safe_open_failed(const char *path)
{
    if (errno == ELOOP)
        return ndshm__err(NDSHM_EUNSAFE, "%s is a symbolic link", path);
    return 0;
}

int ndshm__safe_fd(const struct ndshm_perms *p, int fd, mode_t type,
                   const char *path, struct stat *sb)
{
    struct stat own;
    if (sb == NULL)
        sb = &own;
    if (fstat(fd, sb) != 0)
        return ndshm__err_sys(errno, "cannot stat %s", path);
    return ndshm__safe_entry(p, sb, type, path);
}

/* What ndshm__safe_chmod and ndshm__safe_chmodat share: sb is the stat
 * of what set_group and set_mode change. */
static int fix_mode(const struct ndshm_perms *p, const struct stat *sb,
                    bool dir, const char *path,
                    int (*set_group)(const void *at, gid_t group),
                    int (*set_mode)(const void *at, mode_t mode),
                    const void *at)
{
    if (sb->st_uid != geteuid())
        return 0;
    /* in a shared store everything belongs to its group, so that every
     * member's checks accept it (a setgid directory does this already) */
    if (p->shared && sb->st_gid != p->group && set_group(at, p->group) != 0)
        return ndshm__err_sys(errno, "cannot give %s to the store's group",
                              path);
    mode_t want = dir ? p->dir_mode : p->file_mode;
    if ((sb->st_mode & 07777) != want && set_mode(at, want) != 0)
        return ndshm__err_sys(errno, "cannot set the mode of %s", path);
    return 0;
}

static int fd_group(const void *at, gid_t g)
{
    return fchown(*(const int *)at, (uid_t)-1, g);
}

static int fd_mode(const void *at, mode_t m)
{
    return fchmod(*(const int *)at, m);
}

int ndshm__safe_chmod(const struct ndshm_perms *p, int fd, bool dir,
                      const char *path)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return ndshm__err_sys(errno, "cannot stat %s", path);
    return fix_mode(p, &sb, dir, path, fd_group, fd_mode, &fd);
}

struct at {
    int dir_fd;
    const char *name;
};

static int at_group(const void *at, gid_t g)
{
    const struct at *a = at;
    return fchownat(a->dir_fd, a->name, (uid_t)-1, g, AT_SYMLINK_NOFOLLOW);
}

static int at_mode(const void *at, mode_t m)
{
    /* follows a symbolic link, but name was just found not to be one and
     * no one else can write in the directory */
    const struct at *a = at;
    return fchmodat(a->dir_fd, a->name, m, 0);
}

int ndshm__safe_chmodat(const struct ndshm_perms *p, int dir_fd,
                        const char *name, const struct stat *sb,
                        const char *path)
{
    struct at a = {dir_fd, name};
    return fix_mode(p, sb, false, path, at_group, at_mode, &a);
}
