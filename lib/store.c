/*
 * store.c -- finding, creating and opening a store directory, and the
 * process-wide registry that shares one LMDB environment per directory.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "store.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ndshm_env *registry;

static pid_t cached_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void pid_after_fork(void)
{
    cached_pid = getpid();
}

static void pid_init(void)
{
    cached_pid = getpid();
    pthread_atfork(NULL, NULL, pid_after_fork);
}

pid_t ndshm__pid(void)
{
    pthread_once(&pid_once, pid_init);
    return cached_pid;
}

/* By hand rather than with snprintf: every open builds one (hot path). */
void ndshm__file_name(uint64_t id, char buf[NDSHM_FILE_NAME_MAX])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, id >>= 4)
        buf[i] = hex[id & 0xf];
    memcpy(buf + 16, ".npy", 5);
}

char *ndshm__file_path(const struct ndshm_env *e, uint64_t id)
{
    size_t dir = strlen(e->path);
    char *p = malloc(dir + sizeof "/data/" - 1 + NDSHM_FILE_NAME_MAX);
    if (p) {
        memcpy(p, e->path, dir);
        memcpy(p + dir, "/data/", 6);
        ndshm__file_name(id, p + dir + 6);
    }
    return p;
}

static char *concat(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s", a, b);
    return p;
}

char *ndshm__default_store_dir(void)
{
    const char *env = getenv("NDSHM_STORE");
    if (env != NULL && *env != '\0') {
        char *p = strdup(env);
        if (p == NULL)
            ndshm__err(NDSHM_ENOMEM, "out of memory");
        return p;
    }
    struct stat sb;
    const char *base = "/dev/shm";
    if (stat(base, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        base = getenv("TMPDIR");
        if (base == NULL || *base == '\0')
            base = "/tmp";
    }
    char suffix[32];
    snprintf(suffix, sizeof suffix, "/ndshm-%lu", (unsigned long)getuid());
    char *p = concat(base, suffix);
    if (p == NULL)
        ndshm__err(NDSHM_ENOMEM, "out of memory");
    return p;
}

/* mkdir that accepts an existing directory; one it makes is 0700 (a
 * store shared with a group is made so by its owner: docs/ndshm.1). */
static int ensure_dir(const char *path)
{
    if (mkdir(path, S_IRWXU) != 0 && errno != EEXIST)
        return ndshm__err_sys(errno, "cannot create store directory %s", path);
    return 0;
}

int ndshm__env_check(const struct ndshm_env *e)
{
    pid_t me = ndshm__pid();
    if (e->pid == me)
        return 0;
    return ndshm__err(NDSHM_EFORKED,
                      "store %s was opened by process %ld before it forked "
                      "process %ld: open it again in this process",
                      e->path, (long)e->pid, (long)me);
}

static void env_free(struct ndshm_env *e)
{
    /* In a fork child the LMDB environment is the parent's: closing it
     * would clear the parent's reader slots, so it is left alone. */
    if (e->pid == ndshm__pid())
        ndshm__catalog_close(&e->cat);
    if (e->data_fd >= 0)
        close(e->data_fd);
    free(e->path);
    free(e);
}

/* The catalog's files, checked before LMDB opens them by name. */
static const char *const catalog_files[] = {"catalog.mdb",
                                            "catalog.mdb-lock"};

/*
 * Each catalog file that exists must be a regular file of the store's.
 * Before LMDB opens them (made == NULL), the files that are missing are
 * noted in *absent; after (made = that note), the ones LMDB has just made
 * get the store's mode, which its umask may not have given them.  Files
 * that were there are left as their owner set them: a command must not
 * widen a store someone made read-only.  Never opened here: see
 * ndshm__safe_chmodat.
 */
static int check_catalog(struct ndshm_env *e, int dir_fd, unsigned *absent,
                         const unsigned *made)
{
    for (size_t i = 0; i < sizeof catalog_files / sizeof *catalog_files;
         i++) {
        char what[PATH_MAX + 32];
        snprintf(what, sizeof what, "%s/%s", e->path, catalog_files[i]);
        struct stat sb;
        if (fstatat(dir_fd, catalog_files[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT && made == NULL) {
                *absent |= 1u << i;
                continue;
            }
            return ndshm__err_sys(errno, "cannot stat %s", what);
        }
        int rc = ndshm__safe_entry(&e->perms, &sb, S_IFREG, what);
        if (rc == 0 && made != NULL && (*made & 1u << i))
            rc = ndshm__safe_chmodat(&e->perms, dir_fd, catalog_files[i], &sb,
                                     what);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * LMDB takes an empty catalog.mdb for a new environment and writes a fresh,
 * empty catalog over it.  That is right for a store being made (another
 * process may be between LMDB's create and its first write), but when
 * data/ holds data files their catalog was lost: say so rather than let
 * every array vanish, and fsck --repair then delete their data.
 */
static int check_catalog_not_lost(struct ndshm_env *e, int dir_fd)
{
    struct stat sb;
    if (fstatat(dir_fd, "catalog.mdb", &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(sb.st_mode) || sb.st_size != 0)
        return 0; /* check_catalog says what is wrong with it */
    int fd = dup(e->data_fd);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (d == NULL) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return ndshm__err_sys(err, "cannot read %s/data", e->path);
    }
    rewinddir(d);
    size_t files = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            files++;
    closedir(d);
    if (files == 0)
        return 0;
    return ndshm__err(NDSHM_ECORRUPT,
                      "catalog %s/catalog.mdb is empty but %s/data holds %zu "
                      "file%s: the catalog was lost (restore it, or move "
                      "data/ aside to start afresh)",
                      e->path, e->path, files, files == 1 ? "" : "s");
}

/* data/: made if missing (with the store's mode), a directory of the
 * store's. */
static int open_data_dir(struct ndshm_env *e, int dir_fd)
{
    char what[PATH_MAX + 32];
    snprintf(what, sizeof what, "%s/data", e->path);
    bool made = mkdirat(dir_fd, "data", S_IRWXU) == 0;
    if (!made && errno != EEXIST)
        return ndshm__err_sys(errno, "cannot create %s", what);
    e->data_fd = openat(dir_fd, "data", O_RDONLY | O_DIRECTORY |
                                            NDSHM__OPEN_FLAGS);
    if (e->data_fd < 0) {
        /* a symbolic link fails as ENOTDIR here: say what it is */
        struct stat sb;
        int rc = 0;
        if (errno == ENOTDIR &&
            fstatat(dir_fd, "data", &sb, AT_SYMLINK_NOFOLLOW) == 0)
            rc = ndshm__safe_entry(&e->perms, &sb, S_IFDIR, what);
        return rc ? rc : ndshm__err_sys(errno, "cannot open %s", what);
    }
    int rc = ndshm__safe_fd(&e->perms, e->data_fd, S_IFDIR, what, NULL);
    /* only one just made: an existing data/ keeps the mode it was given */
    if (rc == 0 && made)
        rc = ndshm__safe_chmod(&e->perms, e->data_fd, true, what);
    return rc;
}

static int env_open(const char *path, const struct stat *sb,
                    const struct ndshm_perms *perms, struct ndshm_env **out)
{
    struct ndshm_env *e = calloc(1, sizeof *e);
    if (e == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory");
    e->data_fd = -1;
    e->pid = ndshm__pid();
    e->dev = sb->st_dev;
    e->ino = sb->st_ino;
    e->perms = *perms;
    e->refs = 1;
    e->path = strdup(path);
    char *cat = concat(path, "/catalog.mdb");
    int dir_fd = -1, rc = NDSHM_ENOMEM;
    if (e->path == NULL || cat == NULL) {
        ndshm__err(rc, "out of memory");
        goto fail;
    }
    /* the directory that was checked, not one swapped in since */
    struct stat now;
    dir_fd = open(path, O_RDONLY | O_DIRECTORY | NDSHM__OPEN_FLAGS);
    if (dir_fd < 0 || fstat(dir_fd, &now) != 0) {
        rc = ndshm__err_sys(errno, "cannot open store directory %s", path);
        goto fail;
    }
    if (now.st_dev != sb->st_dev || now.st_ino != sb->st_ino) {
        rc = ndshm__err(NDSHM_EUNSAFE,
                        "store directory %s was replaced while opening it",
                        path);
        goto fail;
    }
    unsigned absent = 0;
    if ((rc = open_data_dir(e, dir_fd)) != 0 ||
        (rc = check_catalog(e, dir_fd, &absent, NULL)) != 0 ||
        (rc = check_catalog_not_lost(e, dir_fd)) != 0 ||
        (rc = ndshm__catalog_open(&e->cat, cat, perms->file_mode)) != 0)
        goto fail;
    if ((rc = check_catalog(e, dir_fd, NULL, &absent)) != 0) {
        ndshm__catalog_close(&e->cat);
        goto fail;
    }
    close(dir_fd);
    free(cat);
    *out = e;
    return 0;
fail:
    if (dir_fd >= 0)
        close(dir_fd);
    free(cat);
    env_free(e);
    return rc;
}

int ndshm_store_open(ndshm_store **out, const char *dir, unsigned flags)
{
    *out = NULL;
    if (flags != 0)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    bool is_default = dir == NULL;
    char *chosen = is_default ? ndshm__default_store_dir() : strdup(dir);
    if (chosen == NULL)
        return is_default ? NDSHM_ENOMEM
                          : ndshm__err(NDSHM_ENOMEM, "out of memory");
    if (*chosen == '\0') {
        free(chosen);
        return ndshm__err(NDSHM_EINVAL, "empty store directory");
    }
    int rc = ensure_dir(chosen);
    struct stat sb;
    char real[PATH_MAX];
    /* the default store's name is known to everyone: a symbolic link
     * there is someone else's doing */
    const char *env = getenv("NDSHM_STORE");
    if (rc == 0 && is_default && (env == NULL || *env == '\0') &&
        lstat(chosen, &sb) == 0 && S_ISLNK(sb.st_mode))
        rc = ndshm__err(NDSHM_EUNSAFE, "store directory %s is a symbolic link",
                        chosen);
    if (rc == 0 && (stat(chosen, &sb) != 0 || !realpath(chosen, real)))
        rc = ndshm__err_sys(errno, "cannot open store directory %s", chosen);
    if (rc == 0 && !S_ISDIR(sb.st_mode))
        rc = ndshm__err(NDSHM_EINVAL, "store %s is not a directory", chosen);
    struct ndshm_perms perms;
    if (rc == 0)
        rc = ndshm__safe_store(real, &sb, &perms);
    free(chosen);
    if (rc != 0)
        return rc;

    ndshm_store *st = calloc(1, sizeof *st);
    if (st == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory");

    pthread_mutex_lock(&registry_lock);
    struct ndshm_env *e = registry;
    pid_t pid = ndshm__pid();
    while (e && !(e->dev == sb.st_dev && e->ino == sb.st_ino && e->pid == pid))
        e = e->next;
    if (e) {
        __atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
    } else if ((rc = env_open(real, &sb, &perms, &e)) == 0) {
        e->next = registry;
        registry = e;
    }
    pthread_mutex_unlock(&registry_lock);
    if (rc != 0) {
        free(st);
        return rc;
    }
    st->env = e;
    *out = st;
    return 0;
}

/*
 * A new reference is taken only by someone who holds one (an open array
 * or store handle), so it needs no lock; dropping one takes the registry
 * lock, under which store_open finds and counts, so that the last drop
 * and a new find never cross.
 */
void ndshm__env_ref(struct ndshm_env *e)
{
    __atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
}

void ndshm__env_unref(struct ndshm_env *e)
{
    if (e == NULL)
        return;
    pthread_mutex_lock(&registry_lock);
    bool last = __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0;
    if (last) {
        struct ndshm_env **pp = &registry;
        while (*pp != e)
            pp = &(*pp)->next;
        *pp = e->next;
    }
    pthread_mutex_unlock(&registry_lock);
    if (last)
        env_free(e);
}

void ndshm_store_close(ndshm_store *st)
{
    if (st == NULL)
        return;
    ndshm__env_unref(st->env);
    free(st);
}

const char *ndshm_store_path(const ndshm_store *st)
{
    return st->env->path;
}
