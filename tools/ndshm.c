/*
 * ndshm.c -- the ndshm tool: global options, then a table of subcommands.
 * Uses only the public header, like LMDB's mdb_stat.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
    const char *name;
    cli_command_fn fn;
    const char *summary;
    const char *usage; /* after "ndshm [--store DIR] NAME " */
};

static const struct command commands[] = {
    {"create", cmd_create, "create an array",
     "NAME --dtype T --shape D0,D1,... [--fill V]\n"
     "       ndshm create NAME VALUES [--dtype T]\n"
     "       ndshm create NAME --from FILE.npy\n"
     "Create array NAME: zeros (or V) of dtype T and the given shape, the\n"
     "values of a literal such as '[[1, 2], [3, 4]]' (dtype inferred as\n"
     "NumPy infers it unless --dtype is given), or a copy of a .npy file.\n"
     "  -d, --dtype T    bool, int8..int64, uint8..uint64, float16, float32,\n"
     "                   float64, complex64, complex128 (or f8, <i4, ...)\n"
     "  -s, --shape S    dimensions, e.g. 3,4 or (3, 4); '()' for a scalar\n"
     "      --fill V     initial value, broadcast to the shape\n"
     "      --from FILE  read a .npy file\n"},
    {"view", cmd_view, "name a window of an array",
     "NAME EXPR [--readonly]\n"
     "Create view NAME over the window EXPR denotes, e.g. 'arr[1:, ::2]'.\n"
     "Writes through the view write the array, in every process.\n"
     "  -r, --readonly   refuse writes through the view\n"},
    {"copy", cmd_copy, "copy a window into a new array",
     "NAME EXPR\n"
     "Create array NAME as an independent C-contiguous copy of EXPR.\n"},
    {"set", cmd_set, "assign values to a window",
     "EXPR VALUE [--timeout SEC]\n"
     "Assign VALUE, a scalar or nested list broadcast as NumPy broadcasts,\n"
     "to the window EXPR, holding the window's exclusive lock.  Nothing is\n"
     "written unless every value fits.\n"
     "  -t, --timeout SEC   wait at most SEC seconds for the lock (exit 3)\n"},
    {"get", cmd_get, "print a window",
     "EXPR [--json]\n"
     "Print the window EXPR as NumPy's print() shows it.\n"
     "  -j, --json       print nested JSON lists instead\n"},
    {"info", cmd_info, "describe an array or view",
     "EXPR [--json]\n"
     "Print name, kind, base, dtype, shape, strides, offset, data file\n"
     "path and read-only flag: enough for any program to map the window.\n"
     "  -j, --json       print a JSON object\n"},
    {"list", cmd_list, "list arrays and views",
     "[--json]\n"
     "List every array and view of the store.\n"
     "  -j, --json       print a JSON list of the objects info --json "
     "gives\n"},
    {"rm", cmd_rm, "remove arrays or views",
     "[-f] NAME...\n"
     "Remove each NAME.  An array's data lives on while views use it.\n"
     "  -f, --force      ignore names that do not exist\n"},
    {"wait", cmd_wait, "wait until an array changes",
     "EXPR [--since VERSION] [--timeout SEC]\n"
     "Wait until the array EXPR looks into changes, and print its new\n"
     "version.  With --since, return at once if the version already\n"
     "differs from VERSION (from 'info' or an earlier wait), so that no\n"
     "change is missed between two waits.  Exit status 3 on timeout.\n"
     "  -t, --timeout SEC   give up after SEC seconds\n"},
    {"fsck", cmd_fsck, "check that the catalog and data files agree",
     "[--repair]\n"
     "Check the store: every name readable and inside its data file,\n"
     "reference counts right, no data file left that no name refers to\n"
     "(what a crash leaves).  Prints each problem; exit status 1 if any\n"
     "remain.\n"
     "  -r, --repair     delete leftovers, correct counts, drop names\n"
     "                   whose data is gone\n"},
    {"export", cmd_export, "write a window to a .npy file",
     "EXPR FILE.npy\n"
     "Write the window EXPR as a new .npy file (replacing FILE.npy).\n"},
    {"show", cmd_show, "draw a window as a heatmap",
     "EXPR [--png FILE [--scale N]] [--watch]\n"
     "Draw the 2-d (or 1-d: one row) window EXPR as a heatmap in 24-bit\n"
     "colour, two elements a character cell, shrunk by block means to fit\n"
     "the terminal; a scale line gives the finite values' min and max.\n"
     "Complex values are drawn by magnitude, NaN grey, +-inf as max/min.\n"
     "      --png FILE   write an RGB PNG instead, a pixel an element\n"
     "      --scale N    N x N pixels an element in the PNG (1 to 64)\n"
     "  -w, --watch      draw again (or rewrite FILE) at every change of\n"
     "                   the array, until interrupted\n"},
    {"df", cmd_df, "show the store's usage",
     "[--json]\n"
     "Show the store's usage: how many arrays and views it holds, the\n"
     "bytes of the arrays' elements (views share them), the space its\n"
     "files take (headers and the space reserved at create included),\n"
     "data files no name refers to (leftovers of a crash: see fsck), and\n"
     "the size and free space of its file system.  Exit status 1 if a\n"
     "name cannot be opened (the rest is still shown).\n"
     "  -j, --json       print a JSON object, sizes in bytes\n"},
    {"who", cmd_who, "list the processes that map an array",
     "NAME [--json]\n"
     "List the processes that have NAME's data file mapped: PID, user,\n"
     "access (rw if a shared writable mapping covers the elements, else r)\n"
     "and command line.  For a view, the processes that map its base\n"
     "array's data, through any name.  Processes that cannot be inspected\n"
     "(other users', unless run as root) are counted on stderr.\n"
     "  -j, --json       print a JSON list of {pid, user, access, command}\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void cli_print_usage(const char *name, bool to_stdout)
{
    FILE *out = to_stdout ? stdout : stderr;
    const struct command *c = find(name);
    if (c)
        fprintf(out, "usage: ndshm [--store DIR] %s %s", c->name, c->usage);
}

static void main_usage(FILE *out)
{
    fputs("usage: ndshm [--store DIR] COMMAND [ARGS]\n"
          "Share N-dimensional arrays between processes, live.\n\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs(
        "\nEXPR is NAME followed by NumPy basic indexing and .T, e.g.\n"
        "'arr[1:]', 'frames[-1, ::2]', 'm.T', 'v[..., None]'.\n\n"
        "Options:\n"
        "  --store DIR   the store (default: $NDSHM_STORE, else\n"
        "                /dev/shm/ndshm-$UID)\n"
        "  -h, --help    show this help, or a command's with COMMAND --help\n"
        "  --version     show the version\n\n"
        "Exit status: 0 success, 1 error, 2 usage error, 3 timeout.\n",
        out);
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    struct cli cli = {"", NULL, NULL};
    int k = 1;
    for (; k < argc && argv[k][0] == '-'; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            main_usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("ndshm %s\n", ndshm_version());
            return EXIT_OK;
        }
        if (strcmp(a, "--store") == 0) {
            if (k + 1 == argc) {
                fprintf(stderr, "ndshm: option '--store' needs an argument "
                                "(see 'ndshm --help')\n");
                return EXIT_USAGE;
            }
            cli.store_dir = argv[++k];
        } else if (strncmp(a, "--store=", 8) == 0) {
            cli.store_dir = a + 8;
        } else {
            /* escaped: one line, whatever the argument holds */
            fputs("ndshm: unknown option '", stderr);
            cli_put_escaped(stderr, a);
            fputs("' (see 'ndshm --help')\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (k == argc) {
        main_usage(stderr);
        return EXIT_USAGE;
    }
    const struct command *c = find(argv[k]);
    if (c == NULL) {
        fputs("ndshm: unknown command '", stderr);
        cli_put_escaped(stderr, argv[k]);
        fputs("' (see 'ndshm --help')\n", stderr);
        return EXIT_USAGE;
    }
    cli.command = c->name;
    if (wants_help(argc - k, argv + k)) {
        cli_print_usage(c->name, true);
        return EXIT_OK;
    }
    int status = c->fn(&cli, argc - k, argv + k);
    ndshm_store_close(cli.store);
    if (fflush(stdout) != 0 && status == EXIT_OK) {
        perror("ndshm: cannot write output");
        status = EXIT_ERROR;
    }
    return status;
}
