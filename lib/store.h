/* store.h -- a store directory and its shared per-process state (internal). */
#ifndef NDSHM_STORE_H
#define NDSHM_STORE_H

#include <sys/types.h>

#include "catalog.h"
#include "safety.h"

/*
 * One per store directory per process: LMDB forbids opening an environment
 * twice in a process, so every ndshm_store handle (and every array opened
 * from one) shares this, reference counted.
 */
struct ndshm_env {
    pid_t pid; /* the process that opened it: never shared across fork */
    dev_t dev;
    ino_t ino;
    char *path;  /* absolute store directory */
    int data_fd; /* the data/ directory, for *at() calls */
    struct ndshm_perms perms;
    struct ndshm_catalog cat;
    int refs;
    struct ndshm_env *next;
};

struct ndshm_store {
    struct ndshm_env *env;
};

/*
 * This process's id, without a system call: every open and every call
 * that checks for a fork child asks for it.  Kept right across fork().
 */
pid_t ndshm__pid(void);

void ndshm__env_ref(struct ndshm_env *e);
void ndshm__env_unref(struct ndshm_env *e);

/*
 * 0 in the process that opened e; NDSHM_EFORKED (with a message saying
 * what to do) in a child that inherited it through fork(), where LMDB's
 * environment must not be used.
 */
int ndshm__env_check(const struct ndshm_env *e);

/* The data file's name inside data/ ("000000000000002a.npy"). */
#define NDSHM_FILE_NAME_MAX 24
void ndshm__file_name(uint64_t id, char buf[NDSHM_FILE_NAME_MAX]);

/* The data file's absolute path; malloc'd, NULL when out of memory. */
char *ndshm__file_path(const struct ndshm_env *e, uint64_t id);

/* The directory a NULL dir argument means (malloc'd) or NULL + detail. */
char *ndshm__default_store_dir(void);

#endif
