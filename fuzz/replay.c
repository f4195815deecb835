/*
 * fuzz/replay.c -- runs a fuzz target without libFuzzer: every file named
 * on the command line, and every file in every directory named (in name
 * order), goes once through LLVMFuzzerTestOneInput.  `make check` builds
 * one per target with the ordinary compiler and runs it over the target's
 * corpus in tests/fuzz/, so that every input that ever broke a parser
 * stays a regression test.  An invariant that fails aborts; a directory
 * that cannot be read, or holds no input, is an error.
 *
 *   fuzz/replay-index [-v] tests/fuzz/index
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>

#include "fuzz.h"

static bool verbose;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            unsigned char *more = realloc(buf, cap *= 2);
            if (more == NULL)
                free(buf);
            buf = more;
        }
    }
    bool failed = buf == NULL || ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "replay: %s: cannot read it\n", path);
        free(buf);
        return -1;
    }
    /* Exactly len bytes, as libFuzzer gives them: a read past the end is
     * caught when the sanitizers are on. */
    unsigned char *exact = malloc(len ? len : 1);
    if (exact == NULL) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    if (verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The number of inputs run, or -1. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return run_file(dir) == 0 ? 1 : -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (more == NULL)
                abort();
            names = more;
        }
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (names[n] == NULL)
            abort();
        sprintf(names[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    long ran = 0;
    for (size_t i = 0; i < n; i++) {
        if (ran >= 0)
            ran = run_file(names[i]) == 0 ? ran + 1 : -1;
        free(names[i]);
    }
    free(names);
    if (ran == 0)
        fprintf(stderr, "replay: %s holds no input\n", dir);
    return ran > 0 ? ran : -1;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = true;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        long ran = run_dir(argv[i]);
        if (ran < 0)
            return 1;
        printf("%s: %ld inputs from %s\n", argv[0], ran, argv[i]);
    }
    return 0;
}
