/* main.c - `pi METHOD [options]`: the workshop's pi computations under MPI + OpenMP. */
#include "pi.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "outfile.h"
#include "par.h"

/*
 * The table of contents:
 *   parse      pi_parse_command (command.c, the options engine of drivers/common/cli.c)
 *   agree      par_start: MPI, and the same command and verdict on every rank
 *   layout     pi_find_layout (layout.c): ranks x threads, hosts, CPUs
 *   run        the method (midpoint.c, montecarlo.c, bbp.c; all.c, layout.c): its kernels,
 *              the exact combine across threads and ranks, its report and self-check
 *   finish     standard output checked, a finished run's checkpoint removed, one status
 */
/// Help or the version was shown (by rank 0): under a launcher the other processes, which may
/// run another command (MPMD), hear of it in the start-up agreement instead of waiting for
/// ever in MPI's start-up; 0, or 2 when they run something else (said by rank 0).
static int help_shown(const pi_common *c, int argc, char **argv)
{
    if (par_launch_size() > 1 &&
        par_start(&argc, &argv, par_hash_args(argc, argv), 1, c->prog) != 1)
        return 2;
    return c->printer ? report_finish_stdout(c->prog) : 0;
}

int main(int argc, char **argv)
{
    pi_common c = {.prog = "pi", .repeat = 1, .printer = par_launch_rank() == 0};
    const cli_say say = {.prog = "pi", .printer = c.printer};
    const pi_method *m = NULL;
    void *opts = NULL;
    int rc, same;

    stop_install();                  /* first: no stop signal is lost, even while MPI starts */
    /* Reports are held in one buffer and flushed once at the end, so a failure to write
     * them is seen there with its reason (bulk output goes through report_write_stdout). */
    if (c.printer)
        setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    if (argc < 2) {
        if (c.printer)
            pi_print_usage(stderr);
        return par_start(&argc, &argv, par_hash_args(argc, argv), 2, c.prog);
    }
    if (cli_top(&say, argv[1], pi_print_usage, report_version))
        return help_shown(&c, argc, argv);
    if ((rc = pi_parse_command(&c, argc, argv, &m, &opts)) < 0) {   /* help shown */
        free(opts);
        return help_shown(&c, argc, argv);
    }
    if (rc == 1)
        return 1;
    stop_settle();                   /* without --checkpoint every stop signal ends the run */
    /* decided before MPI starts, from the same command line on every rank (checked) */
    if ((rc = par_start(&argc, &argv, par_hash_args(argc, argv), rc, c.prog)) != 0) {
        free(opts);
        return rc;
    }
    pi_layout L = pi_find_layout(&c, &same);
    pi_summary s;
    rc = same ? m->run(opts, &c, &L, &s) : 2;
    free(opts);
    if (c.printer && report_finish_stdout(c.prog))
        rc = 1;
    rc = par_bcast_int(rc);          /* also: every message is out before anyone exits */
    par_finalize();
    return rc;
}
