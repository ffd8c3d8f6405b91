/* command.c - the `pi` command line: the top-level usage, the subcommands, OMP_NUM_THREADS and PI_CHECK_SCALE. */
#include "pi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/// What `pi` runs besides the methods.
static const pi_method *const others[] = {&pi_all_command, &pi_layout_command, NULL};

void pi_print_usage(FILE *f)
{
    fprintf(f,
            "usage: pi METHOD [options]      (under mpirun, srun or alone)\n"
            "       pi METHOD --help         options of one method\n"
            "       pi --version             the release and the build\n"
            "\n"
            "methods:\n");
    for (int i = 0; pi_methods[i]; i++)
        fprintf(f, "  %-11s %s\n", pi_methods[i]->name, pi_methods[i]->summary);
    for (int i = 0; others[i]; i++)
        fprintf(f, "  %-11s %s\n", others[i]->name, others[i]->summary);
    fprintf(f,
            "\n"
            "Work is split as the workshop's partialPi(rank, numProcesses, nSteps):\n"
            "worker w = rank*threads + thread of W = ranks*threads takes w, w+W, ...\n"
            "Results are bit-for-bit the same for every ranks x threads layout.\n"
            "\n"
            "examples:\n"
            "  mpirun -np 4 pi midpoint --steps 1e9\n"
            "  OMP_NUM_THREADS=2 mpirun -np 2 --map-by slot:PE=2 pi midpoint -n 1e10 --json\n"
            "  mpirun -np 4 pi montecarlo --samples 1e9 --seed 42\n"
            "  mpirun -np 4 pi bbp --hex-at 1e8\n"
            "  mpirun -np 4 pi bbp --digits 100000 -o pi.txt\n"
            "  mpirun -np 2 pi all\n"
            "\n"
            "exit status: 0 success, 1 self-check or runtime failure, 2 usage error,\n"
            "75 stopped by a signal after saving --checkpoint FILE (run again to resume);\n"
            "killed by the signal's status after SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1,\n"
            "SIGUSR2, SIGALRM or SIGXCPU (every temporary removed first; with --checkpoint\n"
            "SIGINT, SIGTERM and SIGUSR1 save and exit 75 instead)\n");
}

/// The method or other command called name, NULL if none.
static const pi_method *find_command(const char *name)
{
    const pi_method *m = pi_find_method(name);
    for (int i = 0; !m && others[i]; i++)
        if (!strcmp(others[i]->name, name))
            m = others[i];
    return m;
}

/// The environment every command reads: OMP_NUM_THREADS (without --threads), PI_CHECK_SCALE.
static int parse_environment(pi_common *c)
{
    if (!c->threads) {              /* no --threads: OMP_NUM_THREADS, else 1 */
        const char *why = cli_env_threads(CLI_MAX_THREADS, &c->threads);
        if (why)
            return pi_usage_error(c, "invalid OMP_NUM_THREADS '%s': %s (1 to %d)",
                                  getenv("OMP_NUM_THREADS"), why, CLI_MAX_THREADS);
    }
    double scale;
    const char *bad_scale = pi_check_scale_why(&scale);
    if (bad_scale)
        return pi_usage_error(c, "invalid PI_CHECK_SCALE '%s': %s (a finite factor >= 0 on "
                                 "every self-check bound; default 1)", getenv("PI_CHECK_SCALE"),
                              bad_scale);
    return 0;
}

int pi_parse_command(pi_common *c, int argc, char **argv, const pi_method **m, void **opts)
{
    snprintf(c->prog, sizeof c->prog, "pi %s", argv[1]);
    if (!(*m = find_command(argv[1]))) {
        char list[256] = "";
        for (int i = 0; pi_methods[i]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s, ", pi_methods[i]->name);
        strcpy(c->prog, "pi");
        return pi_usage_error(c, "unknown method '%s' (choose %sall, layout; see pi --help)",
                              argv[1], list);
    }
    if (!(*opts = calloc(1, (*m)->opts_size))) {
        fprintf(stderr, "pi: out of memory\n");
        return 1;
    }
    const int rc = (*m)->parse(argc - 1, argv + 1, c, *opts);
    return rc ? rc : parse_environment(c);
}
