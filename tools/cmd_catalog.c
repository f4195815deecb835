/*
 * cmd_catalog.c -- the commands about names: info, list, rm.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "literal.h"
#include "meter.h"

/* What info shows of one array or view. */
static void print_info_text(ndshm_array *a, const char *name)
{
    char shape[800], strides[800];
    const char *base = ndshm_array_base(a);
    ndshm_dtype t = ndshm_array_dtype(a);
    printf("name:     %s\n", name);
    printf("kind:     %s\n", ndshm_array_is_view(a) ? "view" : "array");
    printf("base:     %s\n", base ? base : "-");
    printf("dtype:    %s (%s)\n", ndshm_dtype_name(t), ndshm_dtype_descr(t));
    printf("shape:    %s\n",
           shape_text(ndshm_array_ndim(a), ndshm_array_shape(a), shape,
                      sizeof shape));
    printf("strides:  %s\n",
           shape_text(ndshm_array_ndim(a), ndshm_array_strides(a), strides,
                      sizeof strides));
    printf("offset:   %" PRId64 "\n", ndshm_array_offset(a));
    printf("path:     %s\n", ndshm_array_path(a));
    printf("readonly: %s\n", ndshm_array_readonly(a) ? "yes" : "no");
    printf("id:       %" PRIu64 "\n", ndshm_array_id(a));
    printf("version:  %" PRIu64 "\n", ndshm_array_version(a));
}

static void json_ints(const int64_t *v, int n)
{
    putchar('[');
    for (int i = 0; i < n; i++)
        printf(i ? ", %" PRId64 : "%" PRId64, v[i]);
    putchar(']');
}

static void print_info_json(ndshm_array *a, const char *name)
{
    const char *base = ndshm_array_base(a);
    int ndim = ndshm_array_ndim(a);
    fputs("{\"name\": ", stdout);
    cli_json_string(stdout, name);
    printf(", \"kind\": \"%s\", \"base\": ",
           ndshm_array_is_view(a) ? "view" : "array");
    if (base)
        cli_json_string(stdout, base);
    else
        fputs("null", stdout);
    printf(", \"dtype\": \"%s\", \"shape\": ",
           ndshm_dtype_descr(ndshm_array_dtype(a)));
    json_ints(ndshm_array_shape(a), ndim);
    fputs(", \"strides\": ", stdout);
    json_ints(ndshm_array_strides(a), ndim);
    printf(", \"offset\": %" PRId64 ", \"path\": ", ndshm_array_offset(a));
    cli_json_string(stdout, ndshm_array_path(a));
    printf(", \"readonly\": %s, \"id\": %" PRIu64 ", \"version\": %" PRIu64
           "}",
           ndshm_array_readonly(a) ? "true" : "false", ndshm_array_id(a),
           ndshm_array_version(a));
}

/*
 * Open expr to describe it.  Read-write when we may, so that the handle's
 * read-only flag is the view's own; read-only when the file refuses us.
 */
static int open_described(ndshm_store *st, const char *expr, ndshm_array **a)
{
    int rc = ndshm_array_open(a, st, expr, 0);
    if (rc == NDSHM_ESYS)
        rc = ndshm_array_open(a, st, expr, NDSHM_READONLY);
    return rc;
}

int cmd_info(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"json", 'j', false},
                                          {NULL, 0, false}};
    const char *v[1], *pos[1];
    if (cli_parse(cli, argc, argv, opts, v, pos, 1, 1,
                  "expected NAME or EXPR") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    ndshm_array *a;
    if (open_described(st, pos[0], &a) != 0)
        return cli_lib_error(cli, "cannot open '%s'", pos[0]);
    if (v[0]) {
        print_info_json(a, pos[0]);
        putchar('\n');
    } else {
        print_info_text(a, pos[0]);
    }
    ndshm_array_close(a);
    return EXIT_OK;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"json", 'j', false},
                                          {NULL, 0, false}};
    const char *v[1];
    if (cli_parse(cli, argc, argv, opts, v, NULL, 0, 0, "") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    struct cli_names ns = {NULL, 0, 0};
    int rc = ndshm_list(st, cli_names_collect, &ns);
    int status = EXIT_OK;
    if (rc == CLI_NAMES_NOMEM)
        status = cli_error(cli, "cannot list: out of memory");
    else if (rc != 0)
        status = cli_lib_error(cli, "cannot list");
    bool json = v[0] != NULL;
    if (status == EXIT_OK && json)
        putchar('[');
    else if (status == EXIT_OK && ns.n > 0)
        printf("%-20s %-5s %-10s %-16s %s\n", "NAME", "KIND", "DTYPE", "SHAPE",
               "BASE");
    size_t shown = 0;
    int failed = EXIT_OK; /* EXIT_ERROR once a name could not be shown */
    for (size_t i = 0; status == EXIT_OK && i < ns.n; i++) {
        ndshm_array *a;
        /* A name removed since the listing is simply not shown.  One that
         * cannot be opened for another reason (a damaged data file or
         * record) is reported, one line each, and the exit status is 1:
         * a listing must not lose names without a word.  Found by
         * tests/bad_input.py. */
        int rc_open = open_described(st, ns.v[i], &a);
        if (rc_open == NDSHM_ENOTFOUND)
            continue;
        if (rc_open != 0) {
            failed = cli_lib_error(cli, "cannot open '%s'", ns.v[i]);
            continue;
        }
        if (json) {
            fputs(shown ? ", " : "", stdout);
            print_info_json(a, ns.v[i]);
        } else {
            char shape[800];
            const char *base = ndshm_array_base(a);
            bool view = ndshm_array_is_view(a);
            shape_text(ndshm_array_ndim(a), ndshm_array_shape(a), shape,
                       sizeof shape);
            /* BASE only for views, so that no line ends in blanks */
            printf("%-20s %-5s %-10s ", ns.v[i], view ? "view" : "array",
                   ndshm_dtype_name(ndshm_array_dtype(a)));
            if (view)
                printf("%-16s %s\n", shape, base ? base : "(removed)");
            else
                printf("%s\n", shape);
        }
        shown++;
        ndshm_array_close(a);
    }
    if (status == EXIT_OK && json)
        puts("]");
    cli_names_free(&ns);
    return status != EXIT_OK ? status : failed;
}

int cmd_rm(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"force", 'f', false},
                                          {NULL, 0, false}};
    const char *v[1];
    /* as many names as arguments: `ndshm rm $(...)` may pass thousands */
    const char **pos = malloc((size_t)argc * sizeof *pos);
    if (pos == NULL)
        return cli_error(cli, "out of memory");
    int npos = cli_parse(cli, argc, argv, opts, v, pos, 0, argc, "");
    int status = EXIT_OK;
    ndshm_store *st = NULL;
    if (npos < 0)
        status = EXIT_USAGE;
    else if (npos == 0 && !v[0])
        status = cli_usage_error(cli, "missing NAME");
    else if (npos > 0 && (st = cli_store(cli)) == NULL)
        status = EXIT_ERROR;
    for (int i = 0; st != NULL && i < npos; i++) {
        int rc = ndshm_remove(st, pos[i]);
        if (rc == NDSHM_ENOTFOUND && v[0])
            continue;
        if (rc != 0)
            status = cli_lib_error(cli, "cannot remove '%s'", pos[i]);
    }
    free(pos);
    return status;
}

static void print_problem(const char *problem, int repaired, void *ctx)
{
    int *counts = ctx;
    counts[0]++;
    counts[1] += repaired != 0;
    cli_meter_clear();
    printf("%s\n", problem);
    fflush(stdout); /* before the meter draws over the terminal again */
}

int cmd_fsck(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"repair", 'r', false},
                                          {NULL, 0, false}};
    const char *v[1];
    if (cli_parse(cli, argc, argv, opts, v, NULL, 0, 0, "") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    int counts[2] = {0, 0}; /* problems found, repaired */
    cli_meter_begin(cli);
    int rc =
        ndshm_fsck(st, v[0] ? NDSHM_FSCK_REPAIR : 0, print_problem, counts);
    cli_meter_end();
    if (rc != 0 && rc != NDSHM_ECORRUPT)
        return cli_lib_error(cli, "cannot check %s", ndshm_store_path(st));
    if (counts[0] == 0)
        printf("%s: no problems found\n", ndshm_store_path(st));
    else
        printf("%s: %d problem%s found, %d repaired\n", ndshm_store_path(st),
               counts[0], counts[0] == 1 ? "" : "s", counts[1]);
    return rc == 0 ? EXIT_OK : EXIT_ERROR;
}
