/* bench_plan.c - the block plans past this machine: every block's cost measured here, the run on W workers simulated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bbp.h"
#include "chudnovsky.h"

/*
 * Usage: bench_plan [N...]   (default 1e6 1e7; PLAN_1E8=1 adds 1e8, a long serial run;
 * PLAN_SERIES=chudnovsky or bbp runs that series alone)
 * Each block, each tree node and each serial step runs once on this core, timed by its own
 * thread's CPU clock (steady while other work shares the cores).  A run on W workers is then
 * replayed: block b on worker b mod W (partialPi), node j of a tree level on worker j mod W,
 * starting when its worker is free and both children are done; the final steps (square root
 * and division, the decimal conversion; for bbp the sum and the conversion) run on one worker
 * after the root (Chudnovsky's square root overlapped on worker W-1 once its nodes are done,
 * and its conversion cut in two halves on two workers, as the driver does).  Predicted time T_W, efficiency T_1 / (W T_W), and what bounds it: "blocks"
 * (the most loaded worker's blocks), "tree" (the levels above the blocks) or "serial" (the final
 * steps: Amdahl's serial fraction s gives at most 1 / (s + (1 - s) / W)).  Transfers between
 * ranks are not modelled (shared memory here; on a cluster they add the bytes over the link).
 */

static const int Ws[] = {1, 2, 8, 32, 128, 512, 1024};
enum { NW = sizeof Ws / sizeof Ws[0] };

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Measured costs of one run: blocks, then tree nodes level by level, then the serial tail.
typedef struct {
    int64_t blocks;
    double *block;      ///< seconds of block b
    int levels;
    double **node;      ///< node[l][j], l = 1..levels (NULL for bbp)
    int64_t *nodes;     ///< nodes of level l
    double serial;      ///< seconds after the root (or after the blocks for bbp)
    double conversion;  ///< of which the decimal conversion on one thread
    double split;       ///< the two-rank conversion's first cut (frac(x 10^(N - h)), not in conversion)
    double sqrt_term;   ///< the square root, overlapped on worker W-1 (Chudnovsky; in serial)
    double quotient;    ///< the root's quotient, which needs no square root (in serial)
} costs;

/// Replay on W workers: finish time of the last step.  *bound says what limits it.
static double replay(const costs *c, int W, const char **bound, double *serial)
{
    double *free_at = calloc((size_t)W, sizeof *free_at), blocks_end = 0;
    double *fin = malloc((size_t)c->blocks * sizeof *fin), *nf = NULL;
    for (int64_t b = 0; b < c->blocks; b++) {
        free_at[b % W] += c->block[b];
        fin[b] = free_at[b % W];
        blocks_end = fin[b] > blocks_end ? fin[b] : blocks_end;
    }
    double root = blocks_end;
    for (int l = 1; l <= c->levels; l++) {
        nf = malloc((size_t)c->nodes[l] * sizeof *nf);
        for (int64_t j = 0; j < c->nodes[l]; j++) {
            double ready = fin[2 * j];
            if (2 * j + 1 < c->nodes[l - 1] && fin[2 * j + 1] > ready)
                ready = fin[2 * j + 1];
            const int w = (int)(j % W);
            const double start = free_at[w] > ready ? free_at[w] : ready;
            nf[j] = free_at[w] = start + c->node[l][j];
        }
        free(fin);
        fin = nf;
        root = fin[0];
    }
    free(fin);
    /* Chudnovsky: the square root on worker W-1 once it is free, while the root's quotient is
       made; the conversion on two ranks: the first cut, then the larger half (as
       drivers/pi/chudnovsky.c does) */
    double after = c->serial, sq_done = 0, first = 0;
    if (W > 1 && c->sqrt_term > 0) {
        after -= c->sqrt_term + c->quotient;
        first = c->quotient;
        sq_done = free_at[W - 1] + c->sqrt_term;
    }
    if (W > 1 && c->split > 0)
        after -= (c->conversion - c->split) / 2;
    free(free_at);
    *serial = first + after;
    const double t = (root + first > sq_done ? root + first : sq_done) + after,
                 tree = root - blocks_end;
    *bound = *serial >= tree && *serial >= blocks_end ? "serial"
             : tree >= blocks_end                              ? "tree"
                                                               : "blocks";
    return t;
}

static double total(const costs *c)
{
    double s = c->serial;
    for (int64_t b = 0; b < c->blocks; b++)
        s += c->block[b];
    for (int l = 1; l <= c->levels; l++)
        for (int64_t j = 0; j < c->nodes[l]; j++)
            s += c->node[l][j];
    return s;
}

static void table(const char *name, int64_t N, const costs *c)
{
    const double T1 = total(c), s = c->serial / T1;
    double tree = 0;
    for (int l = 1; l <= c->levels; l++)
        for (int64_t j = 0; j < c->nodes[l]; j++)
            tree += c->node[l][j];
    printf("\n%s, N = %.0e: %lld blocks; T_1 = %.2f s (blocks %.2f, tree %.2f, serial %.2f: "
           "square root %.2f, conversion %.2f); serial fraction s = %.4f\n", name, (double)N,
           (long long)c->blocks, T1, T1 - tree - c->serial, tree, c->serial, c->sqrt_term,
           c->conversion, s);
    printf("   W   predicted s  speed-up  efficiency  Amdahl max eff.  bound by   (Amdahl: the serial "
           "steps left on W workers)\n");
    for (int i = 1; i < NW; i++) {
        const char *bound;
        double ser;
        const double t = replay(c, Ws[i], &bound, &ser), f = ser / T1;
        printf("%5d %12.3f %9.1f %11.3f %16.3f  %s\n", Ws[i], t, T1 / t, T1 / (Ws[i] * t),
               1 / (f * Ws[i] + (1 - f)), bound);
    }
}

/// Chudnovsky: every block, every node of the tree, the final steps.
static void chudnovsky(int64_t N)
{
    chud_plan pl;
    chud_plan_make(N, CHUD_GUARD_DIGITS, &pl);
    costs c = {.blocks = pl.blocks, .levels = chud_levels(pl.blocks)};
    c.block = malloc((size_t)pl.blocks * sizeof *c.block);
    c.node = calloc((size_t)c.levels + 1, sizeof *c.node);
    c.nodes = calloc((size_t)c.levels + 1, sizeof *c.nodes);
    chud_pqt *a = malloc(2 * (size_t)pl.blocks * sizeof *a), *b = a + pl.blocks;
    for (int64_t i = 0; i < 2 * pl.blocks; i++)
        chud_pqt_init(&a[i]);
    for (int64_t i = 0; i < pl.blocks; i++) {
        const double t0 = cpu_now();
        chud_block(&pl, i, &a[i]);
        c.block[i] = cpu_now() - t0;
    }
    c.nodes[0] = pl.blocks;
    for (int l = 1; l <= c.levels; l++) {
        const int64_t n = chud_level_nodes(pl.blocks, l);
        c.nodes[l] = n;
        c.node[l] = malloc((size_t)n * sizeof **c.node);
        for (int64_t j = 0; j < n; j++) {
            const double t0 = cpu_now();
            chud_pqt_move(&b[j], &a[2 * j]);
            if (2 * j + 1 < c.nodes[l - 1])
                chud_combine(&b[j], &a[2 * j + 1], ((j + 1) << l) < pl.blocks,
                             l <= pl.fac_levels, 1);
            c.node[l][j] = cpu_now() - t0;
        }
        chud_pqt *t = a;
        a = b;
        b = t;
    }
    mpz_t S, pw, Y;
    frac_iv x, lo;
    mpz_inits(S, pw, Y, x.y, lo.y, NULL);
    double t0 = cpu_now();
    chud_sqrt_term(&pl, S);
    c.sqrt_term = cpu_now() - t0;
    const double tq = cpu_now();
    chud_root_quotient(&pl, &a[0], Y);
    c.quotient = cpu_now() - tq;
    chud_fraction_from_quotient(&pl, Y, S, &x);
    const double t1 = cpu_now();
    char *s = chud_format(&x, N, 1);
    c.conversion = cpu_now() - t1;
    c.serial = cpu_now() - t0;
    t0 = cpu_now();                         /* the first cut of the two-rank conversion */
    mpz_ui_pow_ui(pw, 10, (unsigned long)(N - N / 2));
    digits_frac_shift(&x, pw, N / 2, &lo);
    c.split = cpu_now() - t0;
    mpz_clears(S, pw, Y, x.y, lo.y, NULL);
    free(s);
    table("pi chudnovsky", N, &c);
}

/// pi bbp --digits: every block (independent, floored), then the sum and the conversion.
static void bbp(int64_t N)
{
    bbp_split_plan pl;
    bbp_split_plan_make(N, 0, &pl);
    costs c = {.blocks = pl.blocks};
    c.block = malloc((size_t)pl.blocks * sizeof *c.block);
    mpz_t acc;
    mpz_init(acc);
    for (int64_t i = 0; i < pl.blocks; i++) {
        const double t0 = cpu_now();
        bbp_split_block(&pl, i, acc);
        c.block[i] = cpu_now() - t0;
    }
    const double t0 = cpu_now();
    char *s = bbp_digits_string(acc, 0, (uint64_t)pl.blocks + 1, pl.bits, N, 1);
    c.serial = cpu_now() - t0;
    free(s);
    mpz_clear(acc);
    table("pi bbp --digits", N, &c);
    bbp_split_plan_free(&pl);
}

int main(int argc, char **argv)
{
    double sizes[8] = {1e6, 1e7};
    int n = 2;
    if (argc > 1)
        for (n = 0; n < argc - 1 && n < 8; n++)
            sizes[n] = strtod(argv[n + 1], NULL);
    else if (getenv("PLAN_1E8") && !strcmp(getenv("PLAN_1E8"), "1"))
        sizes[n++] = 1e8;
    printf("Block plans simulated on W workers from costs measured on this core (thread CPU "
           "time)\n");
    const char *only = getenv("PLAN_SERIES");   /* chudnovsky or bbp: that one alone */
    for (int i = 0; i < n; i++) {
        if (!only || !strcmp(only, "chudnovsky"))
            chudnovsky((int64_t)sizes[i]);
        fflush(stdout);
        if (!only || !strcmp(only, "bbp"))
            bbp((int64_t)sizes[i]);
        fflush(stdout);
    }
    return 0;
}
