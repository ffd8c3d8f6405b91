/* command.c - the `workshop` command line: the top-level usage, the lesson and its options, the signature MPMD applications agree on. */
#include "workshop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hash.h"

static const ws_lesson *const lessons[] = {&ws_processes, &ws_join_order, &ws_queue,
                                           &ws_counter,   &ws_shared,     &ws_pingpong};
static const int nlessons = (int)(sizeof lessons / sizeof lessons[0]);

/// `workshop --help`'s text.
static void print_usage(FILE *f)
{
    fprintf(f, "usage: workshop LESSON [options]      (under mpirun, srun or alone)\n"
               "       workshop LESSON --help         options of one lesson\n"
               "       workshop --version             the release and the build\n"
               "\n"
               "The Python multiprocessing workshop's lessons on processes, ordering, queues,\n"
               "locks, shared values and messages, as MPI ranks and OpenMP threads.\n"
               "\n"
               "lessons:\n");
    for (int i = 0; i < nlessons; i++)
        fprintf(f, "  %-11s %s\n", lessons[i]->name, lessons[i]->summary);
    fprintf(f, "\n"
               "Every lesson takes --json (exactly one JSON object on stdout) and --help.\n"
               "\n"
               "examples:\n"
               "  mpirun -np 4 workshop processes\n"
               "  mpirun -np 1 workshop processes --task square : -np 2 workshop processes "
               "--task cube\n"
               "  mpirun -np 3 workshop join-order\n"
               "  mpirun -np 4 workshop queue --seed 7\n"
               "  workshop counter --threads 4\n"
               "  mpirun -np 2 workshop shared\n"
               "  mpirun -np 2 workshop pingpong --sizes\n"
               "\n"
               "exit status: 0 success, 1 self-check or runtime failure, 2 usage error\n");
}

/// The lesson and its options, for the engine's callback.
typedef struct {
    ws_ctx *x;              ///< who says errors
    ws_opts *o;             ///< the options being filled
    const ws_lesson *L;     ///< the lesson
} lesson_options;

/// The engine's callback: the lesson's own option.
static int lesson_option(void *state, int opt, const char *arg)
{
    lesson_options *lo = state;
    return lo->L->option(lo->x, lo->o, opt, arg);
}

/// Parse the lesson's options (argv[0] = lesson): 0 run, 1 help shown, 2 usage error.
static int parse_lesson(ws_ctx *x, ws_opts *o, const ws_lesson *L, int argc, char **argv)
{
    lesson_options lo = {x, o, L};
    const cli_parser p = {.shortopts = ":h", .longopts = L->longopts, .usage = L->usage,
                          .see = "--help", .json = &o->json, .threads = &o->threads,
                          .threads_max = CLI_MAX_THREADS, .next_word = 1,
                          .option = lesson_option, .state = &lo};
    const cli_say s = {.prog = x->prog, .printer = x->printer, .hold = 1, .msg = x->msg,
                       .len = sizeof x->msg};
    int rc;

    L->defaults(o);
    if ((rc = cli_options(&s, &p, argc, argv)) != 0)
        return rc;
    if (L->threads_default && !o->threads) {     /* OMP_NUM_THREADS, else the lesson's */
        const char *env = getenv("OMP_NUM_THREADS");
        const char *why = cli_env_threads(CLI_MAX_THREADS, &o->threads);
        if (why)
            return ws_usage(x, "invalid OMP_NUM_THREADS '%s': %s (1 to %d)", env, why,
                            CLI_MAX_THREADS);
        if (!env || !*env)
            o->threads = L->threads_default;
    }
    return L->check ? L->check(x, o) : 0;
}

int ws_parse(ws_ctx *x, ws_opts *o, const ws_lesson **L, int argc, char **argv)
{
    const cli_say top = {.prog = "workshop", .printer = x->printer};
    char list[256] = "";

    if (argc < 2)
        return ws_usage(x, "no lesson given (see workshop --help)");
    if (cli_top(&top, argv[1], print_usage, report_version))
        return 1;
    for (int i = 0; i < nlessons; i++) {
        if (!strcmp(argv[1], lessons[i]->name))
            *L = lessons[i];
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 lessons[i]->name);
    }
    if (!*L)
        return ws_usage(x, "unknown lesson '%s' (choose %s; see workshop --help)", argv[1],
                        list);
    x->lesson = (*L)->name;
    snprintf(x->prog, sizeof x->prog, "workshop %s", (*L)->name);
    return parse_lesson(x, o, *L, argc - 1, argv + 1);
}

uint64_t ws_signature(int verdict, const ws_lesson *L, const ws_opts *o)
{
    ws_opts c;
    const unsigned char v = (unsigned char)verdict;
    const char *name = L ? L->name : "";
    memcpy(&c, o, sizeof c);      /* padding too (o was zeroed): an assignment may skip it */
    memset(c.task, 0, sizeof c.task);
    c.threads = 0;
    return hash_bytes(hash_bytes(hash_bytes(HASH_START, &v, 1), name, strlen(name)), &c,
                      sizeof c);
}
