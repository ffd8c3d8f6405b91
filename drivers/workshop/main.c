/* main.c - `workshop LESSON [options]`: the Python workshop's process lessons in MPI + OpenMP. */
#include "workshop.h"

#include <stdio.h>
#include <string.h>

#include "outfile.h"
#include "par.h"

/*
 * The table of contents:
 *   parse      ws_parse (command.c, the options engine of drivers/common/cli.c), before MPI
 *   agree      par_agree: every rank (every MPMD application) the same verdict and options
 *   run        the lesson (processes.c, order.c, counter.c, shared.c, pingpong.c): its work,
 *              its gather to rank 0, its report and self-check
 *   finish     standard output checked, one status on every rank
 */

/// Start MPI and agree on the verdict of parsing: -1 run, else the status to exit with (said).
static int agree(ws_ctx *x, const ws_lesson *L, const ws_opts *o, int verdict,
                 int *argc, char ***argv)
{
    int same;
    /* lessons without threads start MPI single-threaded: faster messages (bench-pingpong) */
    if (L && !L->threads_default ? par_init_single(argc, argv) : par_init(argc, argv)) {
        par_finalize();
        return 1;
    }
    if (par_same_program(x->prog, verdict == 2)) {    /* an MPMD launch with pi or map too */
        par_finalize();
        return 2;
    }
    int agreed = par_agree(verdict, ws_signature(verdict, L, o), x->msg, sizeof x->msg, &same);
    if (agreed != 2 && !same) {
        agreed = 3;
        snprintf(x->msg, sizeof x->msg, "%s: the MPMD applications were given different "
                 "options (only --task may differ)", x->prog);
    }
    if (agreed >= 2 && x->printer && verdict != 2)
        fprintf(stderr, "%s\n", x->msg);
    if (!agreed)
        return -1;
    return par_end(agreed == 1 ? (x->printer ? report_finish_stdout(x->prog) : 0) : 2);
}

int main(int argc, char **argv)
{
    ws_ctx x = {.lesson = "", .prog = "workshop", .printer = par_launch_rank() == 0};
    const ws_lesson *L = NULL;
    ws_opts o;

    stop_install();               /* first: the one table of stop signals (outfile.h) */
    memset(&o, 0, sizeof o);
    /* The report is held in one buffer and flushed at the end, where a failure to write
     * it is seen with its reason. */
    if (x.printer)
        setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    const int verdict = ws_parse(&x, &o, &L, argc, argv);
    stop_settle();
    if (verdict == 2 && x.printer)
        fprintf(stderr, "%s\n", x.msg);
    if (verdict && par_launch_size() == 1)
        return verdict == 1 ? report_finish_stdout(x.prog) : 2;
    /* Under a launcher every rank starts MPI, even to report an error: in an MPMD run the
     * applications parse different argv, so only together can they agree on the verdict. */
    int rc = agree(&x, L, &o, verdict, &argc, &argv);
    if (rc >= 0)
        return rc;
    x.rank = par_rank();
    x.ranks = par_size();
    x.printer = x.rank == 0;
    x.hosts = par_hosts();
    rc = L->run(&x, &o);
    if (x.printer && report_finish_stdout(x.prog))
        rc = 1;
    rc = par_bcast_int(rc);          /* also: every message is out before anyone exits */
    par_finalize();
    return rc;
}
