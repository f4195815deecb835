/*
 * cmd_usage.c -- what a store costs and who uses it: df (the store's
 * arrays, bytes and file system) and who (the processes that map an
 * array's data).  Only the public API, plus what the kernel tells anyone:
 * stat, statvfs and /proc.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"

/* ---- shared helpers ----------------------------------------------------- */

/* *sum += v; false (and *sum unchanged) when that overflows 64 bits. */
static bool add_u64(uint64_t *sum, uint64_t v)
{
    uint64_t s;
    if (__builtin_add_overflow(*sum, v, &s))
        return false;
    *sum = s;
    return true;
}

/* The space a file takes on its file system: what st_blocks counts, in the
 * 512-byte units POSIX leaves unspecified but Linux fixes. */
static bool file_bytes(const struct stat *sb, uint64_t *bytes)
{
    return sb->st_blocks >= 0 &&
           !__builtin_mul_overflow((uint64_t)sb->st_blocks, 512u, bytes);
}

/* "1.5 GiB (1610612736 bytes)", or "512 bytes" below one KiB. */
static void size_text(uint64_t n, char *buf, size_t len)
{
    cli_size_text(n, buf, len);
    size_t used = strlen(buf);
    if (n >= 1024 && used < len)
        snprintf(buf + used, len - used, " (%" PRIu64 " bytes)", n);
}

/* ---- df ----------------------------------------------------------------- */

struct usage {
    uint64_t arrays, views;
    uint64_t data_bytes;     /* elements of the arrays, views not again */
    uint64_t reserved_bytes; /* st_blocks of data/ files and the catalog */
    uint64_t leftover_files, leftover_bytes;
    uint64_t unopened; /* names that could not be opened */
    uint64_t fs_size, fs_avail;
    char *fs_type, *fs_mount; /* NULL when /proc/self/mountinfo says not */
};

/* Undo mountinfo's octal escapes ("\040" for a space) in place. */
static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
            r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
            *w++ =
                (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* mount point mnt holds path: a prefix of it up to a '/' (or all of it) */
static bool mount_holds(const char *mnt, const char *path)
{
    size_t n = strlen(mnt);
    if (strcmp(mnt, "/") == 0)
        return path[0] == '/';
    return strncmp(mnt, path, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/*
 * The type and mount point of the file system holding path (device dev),
 * from /proc/self/mountinfo: the deepest mount point over path, preferring
 * one of the same device (/dev/shm may be mounted twice, one over the
 * other; a later line at the same point hides an earlier one).  Nice to
 * know, not needed: on any failure u->fs_type stays NULL.
 */
static void find_mount(const char *path, dev_t dev, struct usage *u)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL)
        return;
    char *line = NULL, *best_type = NULL, *best_mnt = NULL;
    size_t cap = 0, best_len = 0;
    bool best_dev = false;
    while (getline(&line, &cap, f) >= 0) {
        unsigned maj, min;
        int mnt_at = 0, mnt_end = 0;
        /* ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [TAGS...] - TYPE ... */
        if (sscanf(line, "%*u %*u %u:%u %*s %n%*s%n", &maj, &min, &mnt_at,
                   &mnt_end) != 2 ||
            mnt_end == 0)
            continue;
        char *sep = strstr(line + mnt_end, " - ");
        if (sep == NULL)
            continue;
        char *type = sep + 3;
        type[strcspn(type, " \n")] = '\0';
        line[mnt_end] = '\0';
        char *mnt = line + mnt_at;
        unescape_octal(mnt);
        unescape_octal(type);
        bool same_dev = makedev(maj, min) == dev;
        size_t len = strlen(mnt);
        if (!mount_holds(mnt, path) || (best_dev && !same_dev) ||
            (best_dev == same_dev && len < best_len))
            continue;
        char *t = strdup(type), *m = strdup(mnt);
        if (t == NULL || m == NULL) {
            free(t);
            free(m);
            break;
        }
        free(best_type);
        free(best_mnt);
        best_type = t;
        best_mnt = m;
        best_len = len;
        best_dev = same_dev;
    }
    free(line);
    fclose(f);
    u->fs_type = best_type;
    u->fs_mount = best_mnt;
}

/* A file of a create in progress, made where O_TMPFILE is not supported
 * (".tmp.PID.RANDOM"): not a leftover while its process lives (fsck's
 * rule). */
static bool tmp_of_live_process(const char *name)
{
    long pid;
    if (strncmp(name, ".tmp.", 5) != 0 ||
        sscanf(name + 5, "%ld.", &pid) != 1 || pid <= 0)
        return false;
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* The names in the directory open as fd (which stays open), sorted. */
static int read_dir_names(int fd, struct cli_names *out)
{
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (d == NULL) {
        if (dup_fd >= 0)
            close(dup_fd);
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (cli_names_add(out, de->d_name) != 0) {
            rc = -1;
            errno = ENOMEM;
            break;
        }
        errno = 0;
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    int saved = errno;
    closedir(d);
    errno = saved;
    if (rc == 0 && out->n > 1)
        cli_names_sort(out);
    return rc;
}

/*
 * Count the names: arrays, views and the arrays' element bytes, marking in
 * referenced[] the data/ entries (files, sorted) some name maps.  Names
 * that cannot be opened are reported and make the status 1 (the rest is
 * still counted); names removed since the listing are not counted.  -1
 * when a total overflows: then nothing should be shown.
 */
static int count_names(struct cli *cli, ndshm_store *st,
                       const struct cli_names *names, const char *data_dir,
                       const struct cli_names *files, bool *referenced,
                       struct usage *u)
{
    int status = EXIT_OK;
    size_t dir_len = strlen(data_dir);
    for (size_t i = 0; i < names->n; i++) {
        ndshm_array *a;
        int rc = ndshm_array_open(&a, st, names->v[i], NDSHM_READONLY);
        if (rc == NDSHM_ENOTFOUND)
            continue;
        if (rc != 0) {
            status = cli_lib_error(cli, "cannot open '%s'", names->v[i]);
            u->unopened++;
            continue;
        }
        uint64_t bytes = 0;
        if (ndshm_array_is_view(a)) {
            u->views++;
        } else if (__builtin_mul_overflow(
                       (uint64_t)ndshm_array_size(a),
                       (uint64_t)ndshm_dtype_size(ndshm_array_dtype(a)),
                       &bytes) ||
                   !add_u64(&u->data_bytes, bytes)) {
            cli_error(cli,
                      "cannot add up '%s': the data bytes overflow 64 "
                      "bits",
                      names->v[i]);
            ndshm_array_close(a);
            return -1;
        } else {
            u->arrays++;
        }
        /* the file this name keeps alive, if it is one of data/'s */
        const char *path = ndshm_array_path(a);
        if (strncmp(path, data_dir, dir_len) == 0 && path[dir_len] == '/') {
            const char *key = path + dir_len + 1;
            ptrdiff_t hit = cli_names_find(files, key);
            if (hit >= 0)
                referenced[hit] = true;
        }
        ndshm_array_close(a);
    }
    return status;
}

/*
 * Add up the space of data/'s files and of the catalog, and the leftovers
 * among them.  A file gone since the directory was read was removed with
 * its name: it is simply not counted.  -1 when a total overflows.
 */
static int count_files(struct cli *cli, const char *store_path, int dir_fd,
                       int data_fd, const struct cli_names *files,
                       const bool *referenced, struct usage *u)
{
    int status = EXIT_OK;
    for (size_t i = 0; i < files->n; i++) {
        struct stat sb;
        uint64_t bytes;
        if (fstatat(data_fd, files->v[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT)
                status = cli_error(cli, "cannot stat %s/data/%s: %s",
                                   store_path, files->v[i], strerror(errno));
            continue;
        }
        if (!S_ISREG(sb.st_mode))
            continue; /* not a data file: fsck's business */
        if (!file_bytes(&sb, &bytes) || !add_u64(&u->reserved_bytes, bytes)) {
            cli_error(cli, "cannot add up %s/data: the size overflows 64 bits",
                      store_path);
            return -1;
        }
        if (referenced[i] || tmp_of_live_process(files->v[i]))
            continue;
        u->leftover_files++;
        u->leftover_bytes += bytes; /* <= reserved_bytes: no overflow */
    }
    static const char *const catalog[] = {"catalog.mdb", "catalog.mdb-lock"};
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++) {
        struct stat sb;
        uint64_t bytes;
        if (fstatat(dir_fd, catalog[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            status = cli_error(cli, "cannot stat %s/%s: %s", store_path,
                               catalog[i], strerror(errno));
            continue;
        }
        if (!file_bytes(&sb, &bytes) || !add_u64(&u->reserved_bytes, bytes)) {
            cli_error(cli, "cannot add up %s: the size overflows 64 bits",
                      store_path);
            return -1;
        }
    }
    return status;
}

static void print_df_json(const char *store_path, const struct usage *u)
{
    fputs("{\"store\": ", stdout);
    cli_json_string(stdout, store_path);
    printf(", \"arrays\": %" PRIu64 ", \"views\": %" PRIu64
           ", \"data_bytes\": %" PRIu64 ", \"reserved_bytes\": %" PRIu64
           ", \"leftover_files\": %" PRIu64 ", \"leftover_bytes\": %" PRIu64
           ", \"fs_type\": ",
           u->arrays, u->views, u->data_bytes, u->reserved_bytes,
           u->leftover_files, u->leftover_bytes);
    if (u->fs_type)
        cli_json_string(stdout, u->fs_type);
    else
        fputs("null", stdout);
    fputs(", \"fs_mount\": ", stdout);
    if (u->fs_mount)
        cli_json_string(stdout, u->fs_mount);
    else
        fputs("null", stdout);
    printf(", \"fs_size_bytes\": %" PRIu64 ", \"fs_available_bytes\": %" PRIu64
           "}\n",
           u->fs_size, u->fs_avail);
}

static void print_df_text(const char *store_path, const struct usage *u)
{
    char size[80];
    fputs("store:        ", stdout);
    cli_put_escaped(stdout, store_path);
    printf("\narrays:       %" PRIu64 "\n", u->arrays);
    printf("views:        %" PRIu64 "\n", u->views);
    size_text(u->data_bytes, size, sizeof size);
    printf("data:         %s\n", size);
    size_text(u->reserved_bytes, size, sizeof size);
    printf("reserved:     %s\n", size);
    if (u->leftover_files > 0) {
        size_text(u->leftover_bytes, size, sizeof size);
        /* the file of a name that cannot be opened is not known to be
         * that name's: it is counted here, and the reader warned */
        printf("leftover:     %" PRIu64 " file%s, %s: no name%s refers to %s "
               "(see 'ndshm fsck')\n",
               u->leftover_files, u->leftover_files == 1 ? "" : "s", size,
               u->unopened ? " that can be opened" : "",
               u->leftover_files == 1 ? "it" : "them");
    }
    if (u->fs_type) {
        printf("filesystem:   %s on ", u->fs_type);
        cli_put_escaped(stdout, u->fs_mount);
        putchar('\n');
    }
    size_text(u->fs_size, size, sizeof size);
    printf("fs size:      %s\n", size);
    size_text(u->fs_avail, size, sizeof size);
    printf("fs available: %s\n", size);
}

int cmd_df(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"json", 'j', false},
                                          {NULL, 0, false}};
    const char *v[1];
    if (cli_parse(cli, argc, argv, opts, v, NULL, 0, 0, "") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    const char *sp = ndshm_store_path(st);
    struct usage u = {0};
    struct cli_names files = {NULL, 0, 0}, names = {NULL, 0, 0};
    bool *referenced = NULL;
    char *data_dir = NULL;
    int data_fd = -1, status = EXIT_OK;
    int dir_fd = open(sp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        status = cli_error(cli, "cannot open %s: %s", sp, strerror(errno));
        goto out;
    }
    data_fd = openat(dir_fd, "data",
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    /* data/ is read before the catalog is listed: a file linked in
     * between is then missed rather than taken for a leftover */
    if (data_fd < 0 || read_dir_names(data_fd, &files) != 0) {
        status =
            cli_error(cli, "cannot read %s/data: %s", sp, strerror(errno));
        goto out;
    }
    size_t len = strlen(sp) + sizeof "/data";
    referenced = calloc(files.n ? files.n : 1, sizeof *referenced);
    data_dir = malloc(len);
    if (referenced == NULL || data_dir == NULL) {
        status = cli_error(cli, "cannot measure %s: out of memory", sp);
        goto out;
    }
    snprintf(data_dir, len, "%s/data", sp);
    int rc = ndshm_list(st, cli_names_collect, &names);
    if (rc != 0) {
        status = rc == CLI_NAMES_NOMEM
                     ? cli_error(cli, "cannot list: out of memory")
                          : cli_lib_error(cli, "cannot list");
        goto out;
    }
    int names_status =
        count_names(cli, st, &names, data_dir, &files, referenced, &u);
    if (names_status < 0) {
        status = EXIT_ERROR;
        goto out;
    }
    int files_status =
        count_files(cli, sp, dir_fd, data_fd, &files, referenced, &u);
    if (files_status < 0) {
        status = EXIT_ERROR;
        goto out;
    }
    status = names_status != EXIT_OK ? names_status : files_status;
    struct statvfs vfs;
    struct stat sb;
    if (fstatvfs(dir_fd, &vfs) != 0 || fstat(dir_fd, &sb) != 0) {
        status = cli_error(cli, "cannot stat the file system of %s: %s", sp,
                           strerror(errno));
        goto out;
    }
    if (__builtin_mul_overflow((uint64_t)vfs.f_blocks, (uint64_t)vfs.f_frsize,
                               &u.fs_size) ||
        __builtin_mul_overflow((uint64_t)vfs.f_bavail, (uint64_t)vfs.f_frsize,
                               &u.fs_avail)) {
        status = cli_error(cli,
                           "cannot measure the file system of %s: its "
                           "size overflows 64 bits",
                           sp);
        goto out;
    }
    find_mount(sp, sb.st_dev, &u);
    /* what could be counted is shown even when a name could not be: as
     * list does, the exit status says something is missing */
    if (v[0])
        print_df_json(sp, &u);
    else
        print_df_text(sp, &u);
out:
    free(u.fs_type);
    free(u.fs_mount);
    free(data_dir);
    free(referenced);
    cli_names_free(&files);
    cli_names_free(&names);
    if (data_fd >= 0)
        close(data_fd);
    if (dir_fd >= 0)
        close(dir_fd);
    return status;
}

/* ---- who ---------------------------------------------------------------- */

struct mapper {
    long pid;
    bool writes; /* a shared writable mapping over the elements */
    char *user;
    char *command;
};

struct mappers {
    struct mapper *v;
    size_t n, cap;
};

/* Where a data file's elements start, and the size of the control block
 * that ends it (docs/FORMAT.md). */
enum { DATA_OFFSET = 4096, CONTROL_SIZE = 4096 };

/* The data file to look for in /proc/PID/maps. */
struct target {
    dev_t dev;
    ino_t ino;
    const char *path;
    /* the elements' bytes in the file: after the header, before the
     * control block */
    unsigned long long data_start, data_end;
};

/*
 * Does this line of a maps file map the target?  By device and inode,
 * which stay right when the file has been unlinked (the path then ends in
 * " (deleted)") or reached by another name.  On overlay file systems maps
 * shows the underlying device while stat shows the overlay's: there the
 * inode and the path must agree instead (a data file's path is never
 * reused: ids are not).
 *
 * *writes: the mapping can change elements -- shared, writable and over
 * some of the elements.  Not a private (copy-on-write) mapping, whose
 * writes never reach the file, and not the control block alone, which
 * every process that waits or notifies maps writable, read-only handles
 * too.
 */
static bool maps_target(const char *line, const struct target *t, bool *writes)
{
    char perms[5];
    unsigned long long start, end, offset, ino;
    unsigned maj, min;
    int at = 0;
    if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms,
               &offset, &maj, &min, &ino, &at) != 7 ||
        ino != (unsigned long long)t->ino || end < start)
        return false;
    bool match = makedev(maj, min) == t->dev;
    if (!match && at > 0) {
        const char *path = line + at;
        size_t n = strlen(t->path);
        match = strncmp(path, t->path, n) == 0 &&
                (path[n] == '\n' || path[n] == '\0' ||
                 strcmp(path + n, " (deleted)\n") == 0);
    }
    /* the file's bytes [offset, offset + length) against the elements' */
    unsigned long long last;
    bool over_data = !__builtin_add_overflow(offset, end - start, &last) &&
                     offset < t->data_end && last > t->data_start;
    *writes = match && perms[1] == 'w' && perms[3] == 's' && over_data;
    return match;
}

/*
 * Scan /proc/PID/maps for the target: 1 when mapped (*writes set), 0 when
 * not, or -errno when the file cannot be read.
 */
static int scan_maps(long pid, const struct target *t, bool *writes)
{
    char name[64];
    snprintf(name, sizeof name, "/proc/%ld/maps", pid);
    FILE *f = fopen(name, "re");
    if (f == NULL)
        return -errno;
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    *writes = false;
    errno = 0;
    while (getline(&line, &cap, f) >= 0) {
        bool w;
        if (maps_target(line, t, &w)) {
            found = 1;
            *writes = *writes || w;
        }
        errno = 0;
    }
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    free(line);
    fclose(f);
    return err ? -err : found;
}

/* The whole of a /proc file, NUL-terminated (*len without the NUL); NULL
 * and errno set on failure. */
static char *read_proc_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    while (buf) {
        if (cap - n < 2) {
            char *p = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (p == NULL) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0) {
            buf[n] = '\0';
            *len = n;
            break;
        }
        n += (size_t)r;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return buf;
}

/* The user name of PID's effective uid (as ps shows), or the number. */
static char *proc_user(long pid)
{
    char path[64];
    size_t len;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    char *status = read_proc_file(path, &len);
    if (status == NULL)
        return NULL;
    const char *uid_line = strstr(status, "\nUid:");
    unsigned long ruid, euid;
    bool ok =
        uid_line && sscanf(uid_line, "\nUid: %lu %lu", &ruid, &euid) == 2;
    free(status);
    if (!ok) {
        errno = EIO;
        return NULL;
    }
    struct passwd *pw = getpwuid((uid_t)euid);
    if (pw)
        return strdup(pw->pw_name);
    char num[32];
    snprintf(num, sizeof num, "%lu", euid);
    return strdup(num);
}

/* PID's command line, its arguments joined with spaces; "[comm]" for a
 * process without one (a kernel thread, a zombie), as ps shows it. */
static char *proc_command(long pid)
{
    char path[64];
    size_t len;
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    char *cmd = read_proc_file(path, &len);
    if (cmd == NULL)
        return NULL;
    while (len > 0 && cmd[len - 1] == '\0')
        len--;
    if (len > 0) {
        for (size_t i = 0; i < len; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        return cmd;
    }
    free(cmd);
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    char *comm = read_proc_file(path, &len);
    if (comm == NULL)
        return NULL;
    comm[strcspn(comm, "\n")] = '\0';
    size_t size = strlen(comm) + 3;
    char *bracketed = malloc(size);
    if (bracketed)
        snprintf(bracketed, size, "[%s]", comm);
    free(comm);
    return bracketed;
}

static int compare_mappers(const void *a, const void *b)
{
    long x = ((const struct mapper *)a)->pid;
    long y = ((const struct mapper *)b)->pid;
    return (x > y) - (x < y);
}

static void mappers_free(struct mappers *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->v[i].user);
        free(ms->v[i].command);
    }
    free(ms->v);
}

/* errno values of a process that exited while being looked at */
static bool vanished(int err)
{
    return err == ENOENT || err == ESRCH;
}

/*
 * Add PID to ms if it maps the target.  0 on success (mapped or not, or
 * gone meanwhile), 1 when it cannot be inspected, -1 out of memory.
 */
static int inspect(long pid, const struct target *t, struct mappers *ms)
{
    bool writes = false;
    int rc = scan_maps(pid, t, &writes);
    if (rc < 0)
        return vanished(-rc) ? 0 : 1;
    if (rc == 0)
        return 0;
    struct mapper m = {pid, writes, proc_user(pid), NULL};
    if (m.user)
        m.command = proc_command(pid);
    if (m.user == NULL || m.command == NULL) {
        int err = errno;
        free(m.user);
        free(m.command);
        return err == ENOMEM ? -1 : vanished(err) ? 0 : 1;
    }
    if (ms->n == ms->cap) {
        size_t cap = ms->cap ? 2 * ms->cap : 8;
        struct mapper *p = NULL;
        if (cap <= SIZE_MAX / sizeof *p)
            p = realloc(ms->v, cap * sizeof *p);
        if (p == NULL) {
            free(m.user);
            free(m.command);
            return -1;
        }
        ms->v = p;
        ms->cap = cap;
    }
    ms->v[ms->n++] = m;
    return 0;
}

static void print_who_json(const struct mappers *ms)
{
    putchar('[');
    for (size_t i = 0; i < ms->n; i++) {
        const struct mapper *m = &ms->v[i];
        printf("%s{\"pid\": %ld, \"user\": ", i ? ", " : "", m->pid);
        cli_json_string(stdout, m->user);
        printf(", \"access\": \"%s\", \"command\": ", m->writes ? "rw" : "r");
        cli_json_string(stdout, m->command);
        putchar('}');
    }
    puts("]");
}

static void print_who_text(const struct mappers *ms)
{
    printf("%-8s %-12s %-6s %s\n", "PID", "USER", "ACCESS", "COMMAND");
    for (size_t i = 0; i < ms->n; i++) {
        const struct mapper *m = &ms->v[i];
        /* user names come from the password database, not from the
         * process: no escaping needed */
        printf("%-8ld %-12s %-6s ", m->pid, m->user, m->writes ? "rw" : "r");
        cli_put_escaped(stdout, m->command);
        putchar('\n');
    }
}

int cmd_who(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"json", 'j', false},
                                          {NULL, 0, false}};
    const char *v[1], *pos[1];
    if (cli_parse(cli, argc, argv, opts, v, pos, 1, 1, "expected NAME") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    ndshm_array *a;
    if (ndshm_array_open(&a, st, pos[0], NDSHM_READONLY) != 0)
        return cli_lib_error(cli, "cannot open '%s'", pos[0]);
    /* A view's path is its base's data file: who maps a view is who maps
     * the array under it. */
    char *path = strdup(ndshm_array_path(a));
    struct stat sb;
    int err = path == NULL ? ENOMEM : stat(path, &sb) != 0 ? errno : 0;
    /* closed before the scan, so that this process does not see itself
     * (and it is skipped by pid as well) */
    ndshm_array_close(a);
    if (err) {
        int status = cli_error(cli, "cannot stat the data file of '%s': %s",
                               pos[0], strerror(err));
        free(path);
        return status;
    }
    unsigned long long size = (unsigned long long)sb.st_size;
    struct target t = {sb.st_dev, sb.st_ino, path, DATA_OFFSET,
                       size > DATA_OFFSET + CONTROL_SIZE ? size - CONTROL_SIZE
                                                         : DATA_OFFSET};
    DIR *proc = opendir("/proc");
    if (proc == NULL) {
        free(path);
        return cli_error(cli, "cannot read /proc: %s", strerror(errno));
    }
    struct mappers ms = {NULL, 0, 0};
    size_t hidden = 0;
    long self = (long)getpid();
    int status = EXIT_OK;
    struct dirent *de;
    while ((de = readdir(proc)) != NULL) {
        char *end;
        errno = 0;
        long pid = strtol(de->d_name, &end, 10);
        if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end != '\0' ||
            errno != 0 || pid == self)
            continue;
        int rc = inspect(pid, &t, &ms);
        if (rc < 0) {
            status = cli_error(cli, "cannot list the processes: out of "
                                    "memory");
            break;
        }
        hidden += (size_t)rc;
    }
    closedir(proc);
    free(path);
    if (status == EXIT_OK) {
        if (ms.n > 1)
            qsort(ms.v, ms.n, sizeof *ms.v, compare_mappers);
        if (v[0])
            print_who_json(&ms);
        else
            print_who_text(&ms);
        /* a warning, not a failure: what could be seen is all there */
        if (hidden > 0)
            cli_error(cli, "%zu process%s could not be inspected%s", hidden,
                      hidden == 1 ? "" : "es",
                      geteuid() != 0 ? " (run as root to see all)" : "");
    }
    mappers_free(&ms);
    return status;
}
