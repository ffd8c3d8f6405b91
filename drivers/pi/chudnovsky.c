/* chudnovsky.c - `pi chudnovsky --digits N`: the fast decimal series, blocks split like partialPi. */
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chudnovsky.h"
#include "cli.h"
#include "digits.h"
#include "msg.h"
#include "par.h"
#include "pi.h"

enum { DEFAULT_DIGITS = 1000 };

/// Guard digits each repeated try adds (digits_with_guard's `extra`).
enum { GUARD_STEP = 20 };

/// Options of `pi chudnovsky`.
typedef struct {
    int64_t digits;         ///< N decimal digits
    const char *digits_arg; ///< --digits as given (for messages)
    const char *out;        ///< -o FILE, or NULL for stdout
    int progress;           ///< --progress: progress lines on stderr even when not a terminal
} chud_opts;

static void usage(void)
{
    printf("usage: pi chudnovsky [--digits N] [--progress] [-o FILE] [--threads T] [--repeat R]\n"
           "                     [--json]\n"
           "\n"
           "pi to N decimal digits, truncated, exact, from the Chudnovsky series (14.18\n"
           "digits a term) by binary splitting with GMP.  The terms are cut into blocks of\n"
           "about equal cost (the plan depends on N only); block b goes to worker b mod W\n"
           "of the ranks x threads, as partialPi splits steps, and the blocks are combined\n"
           "by one fixed tree, so the digits are the same on every layout.  The last\n"
           "digit is certified: both ends of the error interval give the same N digits.\n"
           "The fast series for many decimals; `pi bbp` is the workshop's series (and\n"
           "gives hex digits at any position).\n"
           "\n"
           "  --digits N      pi to N decimal digits (default %d, at most 1e12)\n"
           DIGITS_HELP_OUTPUT
           "                  text, first and last 50 digits, algorithm, blocks, terms,\n"
           "                  root_q_bits (the tree's root, common factors out),\n"
           "                  peak_rss_bytes\n"
           "  -h, --help      this help\n"
           "\n"
           "examples:\n"
           "  mpirun -np 2 pi chudnovsky --digits 1e7 -o pi.txt\n"
           "  pi chudnovsky --digits 2000 --json\n"
           "\n"
           "Before the run rank 0 estimates the peak memory of a rank and refuses (exit 2)\n"
           "when the ranks on its host would not fit in the memory available (MemAvailable,\n"
           "the cgroup limit); PI_MEMORY_LIMIT=SIZE (bytes, or with K, M, G, T) sets what\n"
           "is taken as available instead.\n",
           DEFAULT_DIGITS);
}

static int option(pi_common *c, int opt, const char *arg, void *vopts)
{
    chud_opts *o = vopts;
    int64_t v;
    switch (opt) {
    case 'd':
        if (cli_parse_count(arg, 1, CHUD_MAX_DIGITS, &v) && !cli_parse_count(arg, 1, INT64_MAX, &v))
            return pi_usage_error(c, "invalid --digits '%s': too large (at most %lld)", arg,
                                  (long long)CHUD_MAX_DIGITS);
        o->digits_arg = arg;
        return pi_parse_count(c, "--digits", arg, 1, CHUD_MAX_DIGITS, &o->digits);
    case 'P':
        o->progress = 1;
        return 0;
    default: /* 'o' */
        if (!*arg)
            return pi_usage_error(c, "invalid -o '': empty file name");
        o->out = arg;
        return 0;
    }
}

static int parse(int argc, char **argv, pi_common *c, void *vopts)
{
    static const struct option longopts[] = {{"digits", required_argument, 0, 'd'},
                                             {"output", required_argument, 0, 'o'},
                                             {"progress", no_argument, 0, 'P'},
                                             PI_COMMON_LONGOPTS};
    chud_opts *o = vopts;
    o->digits = DEFAULT_DIGITS;
    return pi_parse_options(c, argc, argv, ":ho:", longopts, usage, option, o);
}

/// One timed run.
typedef struct {
    const chud_opts *o;
    const pi_layout *L;
    int show_progress; ///< rank 0 shows progress
    int64_t blocks, terms, guard; ///< the plan of the certified run
    int64_t root_q_bits; ///< rank 0: bits of the root's Q (common factors out: the same anywhere)
    char *text;        ///< "3." + digits on rank 0 (NULL elsewhere or if uncertain)
    int failed;        ///< 1 on every rank once a run failed (said by rank 0)
} chud_job;

/// Work weight of a block: the weights of its terms.
static double block_weight(const void *plan, int64_t b)
{
    const chud_plan *pl = plan;
    const int64_t a = pl->start[b], e = pl->start[b + 1];
    return (double)(e - a) * (double)chud_term_weight(a + (e - a) / 2);
}

/// Owner rank of node j (any level) with W = ranks x threads workers.
static int owner_rank(int64_t j, const pi_layout *L)
{
    return (int)(chud_owner(j, (int64_t)L->ranks * L->threads) / L->threads);
}

/// keep() of chud_level: node j of the level is this rank's.
static int mine(void *ctx, int64_t j)
{
    const pi_layout *L = ctx;
    return owner_rank(j, L) == L->rank;
}

_Static_assert(sizeof(pfac) == sizeof(uint64_t), "a prime power travels as one 64-bit word");

/// Where a received factorization goes: its node's list k (0: P's, 1: Q's), sized for it.
static uint64_t *factors_place(void *ctx, int k, int64_t len)
{
    chud_pqt *x = ctx;
    flist *F = k == 0 ? &x->fp : &x->fq;
    flist_room(F, len ? len : 1);
    F->n = len;
    x->fac = 1;
    return (uint64_t *)(void *)F->f;
}

/// The factorizations of the nodes exchange_level moves (node i = message tag), alongside.
static void exchange_factors(chud_pqt *prev, const pi_mpz_msg *s, int ns, const pi_mpz_msg *r,
                             int nr)
{
    par_words_msg *w = malloc(((size_t)ns + nr + 1) * sizeof *w), *wr = w + ns;
    if (!w)
        abort();
    for (int i = 0; i < ns; i++) {
        const chud_pqt *x = &prev[s[i].tag];
        w[i] = (par_words_msg){.peer = s[i].peer, .tag = s[i].tag, .n = 2,
                               .len = {x->fp.n, x->fq.n},
                               .words = {(const uint64_t *)(const void *)x->fp.f,
                                         (const uint64_t *)(const void *)x->fq.f}};
    }
    for (int i = 0; i < nr; i++)
        wr[i] = (par_words_msg){.peer = r[i].peer, .tag = r[i].tag, .n = 2,
                                .place = factors_place, .ctx = &prev[r[i].tag]};
    par_exchange_words(w, ns, wr, nr);
    free(w);
}

/// Before level l: children of this rank's level-l nodes come in, and this rank's level-(l-1)
/// nodes whose parent lives elsewhere go out (then are freed).
static void exchange_level(const chud_plan *pl, int l, chud_pqt *prev, const pi_layout *L)
{
    const int64_t np = chud_level_nodes(pl->blocks, l - 1);
    pi_mpz_msg *s = malloc((size_t)np * sizeof *s), *r = malloc((size_t)np * sizeof *r);
    int ns = 0, nr = 0;
    if (!s || !r)
        abort();
    for (int64_t i = 0; i < np; i++) {
        const int from = owner_rank(i, L), to = owner_rank(i / 2, L);
        if (from == to || (from != L->rank && to != L->rank))
            continue;
        pi_mpz_msg m = {.peer = from == L->rank ? to : from, .tag = (int)i, .n = 3,
                         .v = {prev[i].P, prev[i].Q, prev[i].T}};
        if (from == L->rank)
            s[ns++] = m;
        else
            r[nr++] = m;
    }
    if (L->ranks > 1) {
        pi_exchange_mpz(s, ns, r, nr);
        if (l - 1 <= pl->fac_levels)        /* the nodes keep factorizations: they go too */
            exchange_factors(prev, s, ns, r, nr);
    }
    for (int i = 0; i < ns; i++)
        chud_pqt_clear(&prev[s[i].tag]);    /* freed whole, not shrunk: no pinned heap */
    for (int i = 0; i < ns; i++)
        chud_pqt_init(&prev[s[i].tag]);
    free(s);
    free(r);
}

/// This rank owns a node of tree level l.
static int owns_level(const chud_plan *pl, int l, const pi_layout *L)
{
    const int64_t n = chud_level_nodes(pl->blocks, l);
    for (int64_t j = 0; j < n && j < (int64_t)L->ranks * L->threads; j++)
        if (owner_rank(j, L) == L->rank)
            return 1;
    return 0;
}

/// Test-only hook: PI_TEST_UNCERTAIN=K makes rank 1's half of the first K tries uncertain, as
/// if pi's digits sat at a leaf's edge, so that tests reach the retry with more guard digits.
static int test_uncertain(const chud_plan *pl)
{
    const char *v = getenv("PI_TEST_UNCERTAIN");
    return v && (pl->guard - CHUD_GUARD_DIGITS) / GUARD_STEP < atoi(v);
}

/// The decimals of frac(pi) (x, on rank 0) into text + 2: on 2 or more ranks and many digits
/// the last h go to rank 1 as the interval of frac(x 10^(N - h)), both parts converted side
/// by side.  On rank 0: 0 if every digit is certain, else -1 (more guard digits needed).
static int convert_digits(const chud_plan *pl, const frac_iv *x, char *text, const pi_layout *L)
{
    const int64_t n = pl->digits, h = n / 2;
    if (L->ranks < 2 || n < 16 * DIGITS_FRAC_LEAF || h > INT32_MAX / 2)  /* small: one rank */
        return L->rank == 0 ? digits_frac_write(x, n, L->threads, text + 2) : 0;
    if (L->rank > 1)
        return 0;
    int rc = 0;
    frac_iv lo;
    mpz_t bits, err;
    mpz_inits(lo.y, bits, err, NULL);
    pi_mpz_msg m = {.peer = 1 - L->rank, .tag = 0, .n = 3, .v = {lo.y, bits, err}};
    if (L->rank == 0) {
        mpz_t pw;
        mpz_init(pw);
        mpz_ui_pow_ui(pw, 10, (unsigned long)(n - h));
        rc = digits_frac_shift(x, pw, h, &lo);
        mpz_clear(pw);
        mpz_set_si(bits, rc ? -1 : (long)lo.bits);  /* -1: rank 1 only says uncertain */
        mpz_set_ui(err, (unsigned long)lo.err);
        pi_exchange_mpz(&m, 1, NULL, 0);
        rc |= digits_frac_write(x, n - h, L->threads, text + 2);
        msg_recv(text + 2 + (n - h), (size_t)h, 1, 1);
        rc |= text[2 + n - h] == '?';
    } else {
        char *buf = malloc((size_t)h);
        if (!buf)
            abort();
        pi_exchange_mpz(NULL, 0, &m, 1);
        lo.bits = (int64_t)mpz_get_si(bits);
        lo.err = (uint64_t)mpz_get_ui(err);
        if (lo.bits < 0 || test_uncertain(pl) || digits_frac_write(&lo, h, L->threads, buf) != 0)
            memset(buf, '?', (size_t)h);    /* never a digit: rank 0 sees it */
        msg_send(buf, (size_t)h, 0, 1);
        free(buf);
    }
    mpz_clears(lo.y, bits, err, NULL);
    return rc ? -1 : 0;
}

/// On 2 or more ranks: the square root term on the last rank once it has no tree node left,
/// sent to rank 0.  S valid on rank 0.
static void sqrt_term_to_root(const chud_plan *pl, mpz_t S, int have, const pi_layout *L)
{
    if (L->rank == L->ranks - 1 && !have)
        chud_sqrt_term(pl, S);
    pi_mpz_msg m = {.peer = L->rank == 0 ? L->ranks - 1 : 0, .tag = 0, .n = 1, .v = {S}};
    if (L->rank == L->ranks - 1)
        pi_exchange_mpz(&m, 1, NULL, 0);
    else if (L->rank == 0)
        pi_exchange_mpz(NULL, 0, &m, 1);
}

/// Rank 0: the root's quotient Y (chud_root_quotient, the root freed) and S, which the last
/// rank makes once its tree nodes are gone and sends while rank 0 divides; on one rank, S
/// beside the quotient on a second thread if there is one.  0, or -1 on rank 0 (bad root).
static int quotient_and_sqrt(const chud_plan *pl, chud_pqt *root, mpz_t Y, mpz_t S,
                             int have_S, const pi_layout *L)
{
    int rc = 0;
    if (L->ranks > 1) {
        if (L->rank == 0)
            rc = chud_root_quotient(pl, root, Y);
        sqrt_term_to_root(pl, S, have_S, L);
        return rc;
    }
#pragma omp parallel sections num_threads(L->threads > 1 ? 2 : 1)
    {
#pragma omp section
        rc = chud_root_quotient(pl, root, Y);
#pragma omp section
        chud_sqrt_term(pl, S);
    }
    return rc;
}

/// The blocks of this rank's workers and the tree level by level across the ranks.  The root
/// ends in nodes[0] of the returned array on rank 0; *have_S: S already computed here.
static chud_pqt *tree_root(chud_job *job, const chud_plan *pl, chud_pqt *a, mpz_t S,
                           int *have_S)
{
    const pi_layout *L = job->L;
    chud_pqt *b = a + pl->blocks;
    digits_progress pr;
    if (job->show_progress)
        digits_progress_init(&pr, "chudnovsky", pl->blocks, block_weight, pl, L);
    chud_rank(pl, L->rank, L->ranks, L->threads, a,
              job->show_progress ? digits_progress_block : NULL, &pr);
    if (job->show_progress)
        digits_progress_end(&pr);
    for (int l = 1; l <= chud_levels(pl->blocks); l++) {
        exchange_level(pl, l, a, L);
        /* the last rank's nodes have gone up: it makes the square root meanwhile */
        if (L->ranks > 1 && L->rank == L->ranks - 1 && !*have_S && !owns_level(pl, l, L)) {
            chud_sqrt_term(pl, S);
            *have_S = 1;
        }
        chud_level(pl, l, a, b, mine, (void *)L, L->threads);
        chud_pqt *t = a;
        a = b;
        b = t;
    }
    return a;
}

/// Return the heap's free pages to the system: after the tree, glibc's heap is mostly holes
/// (freed nodes and factor lists between live ones) that the final steps' big integers do not
/// fit (measured at 10^7 digits: 72 MB resident for a 10 MB root; peak 123 MB without this,
/// 97 MB with it).
static void give_back_free_memory(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/// The plan's blocks, the tree, the final quotient and the conversion; the digits on rank 0
/// (NULL elsewhere or if uncertain).
static char *tree_digits(chud_job *job, const chud_plan *pl)
{
    const pi_layout *L = job->L;
    chud_pqt *base = malloc(2 * (size_t)pl->blocks * sizeof *base);
    char *text = NULL;
    int have_S = 0;
    mpz_t S, Y;
    frac_iv x;
    if (par_fail(!base, "pi chudnovsky: out of memory for the block tree")) {
        free(base);
        job->failed = 1;
        return NULL;
    }
    for (int64_t i = 0; i < 2 * pl->blocks; i++)
        chud_pqt_init(&base[i]);
    mpz_inits(S, x.y, Y, NULL);
    chud_pqt *root = tree_root(job, pl, base, S, &have_S);
    give_back_free_memory();
    if (L->rank == 0)
        job->root_q_bits = (int64_t)mpz_sizeinbase(root->Q, 2);
    int rc = quotient_and_sqrt(pl, root, Y, S, have_S, L);
    if (L->rank == 0 && rc == 0)
        rc = chud_fraction_from_quotient(pl, Y, S, &x);
    mpz_clears(S, Y, NULL);
    for (int64_t i = 0; i < 2 * pl->blocks; i++)
        chud_pqt_clear(&base[i]);
    free(base);
    if (par_bcast_int(rc) == 0) {
        text = L->rank == 0 ? malloc((size_t)pl->digits + 3) : NULL;
        if (L->rank == 0 && !text)
            abort();
        if (convert_digits(pl, &x, text, L) == 0 && text) {
            text[0] = '3';
            text[1] = '.';
            text[pl->digits + 2] = '\0';
        } else if (text) {
            free(text);
            text = NULL;
        }
    }
    mpz_clear(x.y);
    return text;
}

/// One try with GUARD_STEP x extra more guard digits: the text on rank 0, or NULL.
static char *attempt(void *arg, int extra)
{
    chud_job *job = arg;
    chud_plan pl;
    const int64_t guard = CHUD_GUARD_DIGITS + GUARD_STEP * (int64_t)extra;
    const int no_plan = chud_plan_make(job->o->digits, guard, &pl);
    if (par_fail(no_plan != 0, "pi chudnovsky: out of memory for the block plan")) {
        if (!no_plan)
            chud_plan_free(&pl);
        job->failed = 1;
        return NULL;
    }
    job->blocks = pl.blocks;
    job->terms = pl.terms;
    job->guard = pl.guard;
    char *text = tree_digits(job, &pl);
    chud_plan_free(&pl);
    return text;
}

static void compute(void *arg)
{
    chud_job *job = arg;
    free(job->text);
    job->text = digits_with_guard(attempt, job, &job->failed, job->L);
}

/// Peak bytes of one rank for N digits on T threads: ~10 bytes a digit on one thread (rank 0
/// holds the root and the final quotient; measured 97 MB of data at 1e7 digits, 13 MB at 1e6),
/// more while threads multiply side by side, the factor sieve (2 bytes an odd number up to
/// 6 K: 0.43 bytes a digit, at most CHUD_SIEVE_MAX), plus the program and MPI (~32 MB).
static double memory_estimate(int64_t digits, int threads)
{
    const double sieve = 0.43 * (double)digits;
    return (10.0 + 3.0 * (threads - 1)) * (double)digits + 32e6 +
           (sieve < (double)CHUD_SIEVE_MAX ? sieve : (double)CHUD_SIEVE_MAX);
}

static void describe(const void *vjob, char *buf, size_t len)
{
    const chud_job *job = vjob;
    snprintf(buf, len, "Chudnovsky binary splitting, %lld block(s), %lld terms, %lld guard digits",
             (long long)job->blocks, (long long)job->terms, (long long)job->guard);
}

static void json_keys(const void *vjob, json_out *j)
{
    const chud_job *job = vjob;
    json_str(j, "algorithm", "chudnovsky");
    json_int(j, "blocks", job->blocks);
    json_int(j, "terms", job->terms);
    json_int(j, "guard_digits", job->guard);
    json_int(j, "root_q_bits", job->root_q_bits);
}

static int run(const void *vopts, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    const chud_opts *o = vopts;
    chud_job job = {.o = o, .L = L};
    job.show_progress = L->rank == 0 && !c->quiet && (o->progress || isatty(2));
    digits_spec d = {.name = "chudnovsky", .digits = o->digits, .digits_arg = o->digits_arg,
                     .out = o->out, .memory_need = memory_estimate(o->digits, L->threads),
                     .compute = compute, .describe = describe, .json_keys = json_keys,
                     .text = &job.text, .job = &job, .failed = &job.failed};
    return digits_run(&d, c, L, s);
}

const pi_method pi_chudnovsky_method = {
    .name = "chudnovsky",
    .summary = "Chudnovsky series by binary splitting: N decimals, the fast one",
    .opts_size = sizeof(chud_opts),
    .parse = parse,
    .run = run,
};
