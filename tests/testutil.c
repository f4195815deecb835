/* testutil.c -- scratch stores for tests. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

char *test_store_dir(void)
{
    struct stat sb;
    const char *base = "/dev/shm";
    if (stat(base, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        base = getenv("TMPDIR");
        if (base == NULL || *base == '\0')
            base = "/tmp";
    }
    size_t len = strlen(base) + 32;
    char *dir = malloc(len);
    if (dir == NULL)
        abort();
    snprintf(dir, len, "%s/ndshm-test.XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        abort();
    }
    return dir;
}

static int remove_one(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void test_store_remove(char *dir)
{
    if (dir == NULL)
        return;
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}
