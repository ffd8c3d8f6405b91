/* chudnovsky.c - pi to N decimal digits from the Chudnovsky series by blocked binary splitting (GMP). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chudnovsky.h"
#include "decomp.h"
#include "digits_frac.h"

/*
 * Error analysis.  The term ratio is t(k+1)/t(k) = -8 (6k+1)(6k+3)(6k+5) / ((k+1)^3 C^3) times
 * (A + B(k+1))/(A + Bk); the first factor is below 1728/C^3 = 10^-14.1816..., the second
 * telescopes, so |t(K)| <= t(0) (1 + 41 K) 10^-14.18 K with t(0) < 0.32.  The tail after K
 * terms is below |t(K)| (alternating, decreasing) and moves pi = 1/s by at most 10 |t(K)|:
 * chud_terms keeps that below 10^-M / 100, M = N + guard decimals.
 * The final step, at b bits, b = floor(M log2(10)) or one less (2^b <= 10^M):
 * S = floor(sqrt(10005) 2^b) (an exact integer square root); Q and T lose their low s bits
 * (Qt = Q >> s, Tt = T >> s, Tt >= 2^48 2^b), which moves Q/T by at most 1/Tt;
 * X = floor(426880 S Qt / Tt).  Then pi 2^b
 * lies in [X - 1, X + 2] (S's floor costs 426880 Q/T = pi/sqrt(10005) < 0.04, the quotient's
 * floor < 1, the shift < 10^-6, the tail < 2^b 10^-M / 100 <= 0.01).  X is computed as
 * X' = floor(S Y / 2^k) with the quotient Y = floor(426880 Qt 2^k / Tt), which needs no S (so
 * the square root can be made meanwhile, elsewhere): with S < 101 2^b < 2^k, S Y / 2^k <=
 * S Qt' / Tt < S Y / 2^k + 1 (Qt' = 426880 Qt), so X' <= X <= X' + 1 and pi 2^b lies in
 * [X' - 1, X' + 3]: frac(pi) in [y / 2^b, (y + 5) / 2^b), y = X' - 1 - 3 2^b.  The decimals
 * are those of that interval (digits_frac.h), printed only if every point of it gives the
 * same N of them.  Every step is a function of Q and T, which the fixed tree makes the same
 * integers on every layout.
 */

static const unsigned long A_ = 13591409, B_ = 545140134;
static const unsigned long C3_24 = 10939058860032000UL; /* 640320^3 / 24 */

/// Floor of log2(v) + 1 (0 for 0).
static int64_t bitlen(uint64_t v)
{
    int64_t l = 0;
    for (; v; v >>= 1)
        l++;
    return l;
}

int64_t chud_terms(int64_t decimals)
{
    /* 14.181647 < log10(C^3/1728) = 14.18164746...; log10(1 + 41 K) <= 0.30103 bitlen(.) + 1 */
    const int64_t k0 = decimals / 14 + 2;
    const int64_t l10 = (bitlen(41 * (uint64_t)k0 + 1) * 30103 + 99999) / 100000;
    return (decimals + 3 + l10) * 1000000 / 14181647 + 1;
}

int64_t chud_term_weight(int64_t k)
{
    /* p(k) and q(k) have about 60 + 6 log2(k) bits between them */
    return 10 + bitlen((uint64_t)k + 1);
}

int chud_plan_make(int64_t digits, int64_t guard, chud_plan *pl)
{
    const int64_t K = chud_terms(digits + guard);
    int64_t B = 1, total = 0;
    while (2 * B <= CHUD_MAX_BLOCKS && 2 * B * CHUD_MIN_BLOCK <= K)
        B *= 2;
    int64_t *start = malloc(((size_t)B + 1) * sizeof *start);
    if (!start)
        return -1;
    for (int64_t k = 0; k < K; k++)
        total += chud_term_weight(k);
    /* block b ends at the first term where the running weight reaches total (b+1) / B */
    int64_t b = 0, run = 0;
    start[0] = 0;
    for (int64_t k = 0; k < K && b + 1 < B; k++) {
        run += chud_term_weight(k);
        if (run * B >= total * (b + 1) && k + 1 > start[b])
            start[++b] = k + 1;
    }
    while (b + 1 < B) {                 /* never for K >= 16 B; keeps the plan whole anyway */
        start[b + 1] = start[b] + 1 < K ? start[b] + 1 : K;
        b++;
    }
    start[B] = K;
    *pl = (chud_plan){.digits = digits, .guard = guard, .terms = K, .blocks = B, .start = start};
    const int levels = chud_levels(B);
    pl->fac_levels = levels > CHUD_PLAIN_TOP ? levels - CHUD_PLAIN_TOP : 0;
    const int64_t top = 6 * K + 1;           /* the largest value a leaf factors */
    if (fac_sieve_make(top < CHUD_SIEVE_MAX ? top : CHUD_SIEVE_MAX, &pl->sieve) != 0) {
        free(start);
        pl->start = NULL;
        return -1;
    }
    return 0;
}

void chud_plan_free(chud_plan *pl)
{
    free(pl->start);
    pl->start = NULL;
    fac_sieve_free(&pl->sieve);
}

void chud_pqt_init(chud_pqt *x)
{
    mpz_inits(x->P, x->Q, x->T, NULL);
    x->fp = x->fq = (flist){0, 0, 0};
    x->fac = 0;
}

void chud_pqt_clear(chud_pqt *x)
{
    mpz_clears(x->P, x->Q, x->T, NULL);
    flist_free(&x->fp);
    flist_free(&x->fq);
    x->fac = 0;
}

void chud_pqt_move(chud_pqt *to, chud_pqt *from)
{
    mpz_swap(to->P, from->P);
    mpz_swap(to->Q, from->Q);
    mpz_swap(to->T, from->T);
    const flist fp = to->fp, fq = to->fq;
    const int fac = to->fac;
    to->fp = from->fp, to->fq = from->fq, to->fac = from->fac;
    from->fp = fp, from->fq = fq, from->fac = fac;
}

/// Leaf k: p = (6k-5)(2k-1)(6k-1), q = k^3 C^3/24, t = (-1)^k p (A + Bk); k = 0: 1, 1, A.
static void leaf(int64_t k, chud_pqt *x)
{
    if (k == 0) {
        mpz_set_ui(x->P, 1);
        mpz_set_ui(x->Q, 1);
        mpz_set_ui(x->T, A_);
        return;
    }
    const unsigned long u = (unsigned long)k;
    mpz_set_ui(x->P, 6 * u - 5);
    mpz_mul_ui(x->P, x->P, 2 * u - 1);
    mpz_mul_ui(x->P, x->P, 6 * u - 1);
    mpz_set_ui(x->Q, u);
    mpz_mul_ui(x->Q, x->Q, u);
    mpz_mul_ui(x->Q, x->Q, u);
    mpz_mul_ui(x->Q, x->Q, C3_24);
    mpz_set_ui(x->T, B_);
    mpz_mul_ui(x->T, x->T, u);
    mpz_add_ui(x->T, x->T, A_);
    mpz_mul(x->T, x->T, x->P);
    if (k & 1)
        mpz_neg(x->T, x->T);
}

/// Sort n prime powers by prime (a run's few dozen: insertion sort).
static void sort_by_prime(pfac *f, int64_t n)
{
    for (int64_t i = 1; i < n; i++) {
        const pfac x = f[i];
        int64_t j = i;
        for (; j > 0 && f[j - 1].p > x.p; j--)
            f[j] = f[j - 1];
        f[j] = x;
    }
}

/// F = the factorization (primes below 2^16) of prod f(k) over k in [a, b) for one form f (q:
/// k^3 C^3/24, else p): the factors of every value, sorted once, equal primes added.
static void run_factors(const chud_plan *pl, int64_t a, int64_t b, int q, flist *F)
{
    /* C^3/24 = 2^15 3^2 5^3 23^3 29^3: once, with the exponents times the terms */
    static const pfac c3_24[] = {{2, 15}, {3, 2}, {5, 3}, {23, 3}, {29, 3}};
    const int64_t a1 = a < 1 ? 1 : a;        /* leaf 0 is 1, 1, A */
    int64_t n = 0;
    flist_room(F, (b - a1) * 3 * FAC_MAX_PRIMES + 5);
    for (int64_t k = a1; k < b; k++) {
        const uint64_t u = (uint64_t)k, v[3] = {6 * u - 5, 2 * u - 1, 6 * u - 1};
        for (int i = 0; i < (q ? 1 : 3); i++)  /* past the sieve: left out (untracked) */
            if ((int64_t)(q ? u : v[i]) <= pl->sieve.limit)
                n += fac_of(&pl->sieve, q ? u : v[i], q ? 3 : 1, F->f + n);
    }
    if (q && b > a1)
        for (int i = 0; i < 5; i++)
            F->f[n++] = (pfac){c3_24[i].p, c3_24[i].e * (uint32_t)(b - a1)};
    sort_by_prime(F->f, n);
    flist_set_sorted(F, F->f, n);
}

/// Terms [a, b) plainly (no common factors out), without factorizations.
static void split_plain(int64_t a, int64_t b, int need_p, chud_pqt *out)
{
    if (b - a == 1) {
        leaf(a, out);
        return;
    }
    const int64_t m = a + (b - a) / 2;
    chud_pqt r;
    chud_pqt_init(&r);
    split_plain(a, m, 1, out);
    split_plain(m, b, need_p, &r);
    chud_combine(out, &r, need_p, 0, 1);
    chud_pqt_clear(&r);
}

void chud_split(const chud_plan *pl, int64_t a, int64_t b, int need_p, chud_pqt *out)
{
    if (b - a <= CHUD_PLAIN_RUN) {           /* short runs: factored once, in bulk */
        split_plain(a, b, need_p, out);
        run_factors(pl, a, b, 0, &out->fp);
        run_factors(pl, a, b, 1, &out->fq);
        out->fac = 1;
        return;
    }
    const int64_t m = a + (b - a) / 2;
    chud_pqt r;
    chud_pqt_init(&r);
    chud_split(pl, a, m, 1, out);
    chud_split(pl, m, b, need_p, &r);
    chud_combine(out, &r, need_p, 1, 1);
    chud_pqt_clear(&r);
}

void chud_split_ref(int64_t a, int64_t b, chud_pqt *out)
{
    /* T(a,b) = sum_k t(k) Q(k+1,b) prod_{a<=i<k} p(i), built from the right: T = t(k) Q' + p T' */
    chud_pqt x;
    chud_pqt_init(&x);
    mpz_set_ui(out->P, 1);
    mpz_set_ui(out->Q, 1);
    mpz_set_ui(out->T, 0);
    for (int64_t k = b - 1; k >= a; k--) {
        leaf(k, &x);
        mpz_mul(out->T, out->T, x.P);       /* T = p(k) T' + t(k) Q' */
        mpz_addmul(out->T, x.T, out->Q);
        mpz_mul(out->Q, out->Q, x.Q);
        mpz_mul(out->P, out->P, x.P);
    }
    chud_pqt_clear(&x);
}

void chud_block(const chud_plan *pl, int64_t blk, chud_pqt *out)
{
    chud_split(pl, pl->start[blk], pl->start[blk + 1], blk + 1 < pl->blocks, out);
    flist_fit(&out->fp);                     /* blocks wait for the tree: no slack kept */
    flist_fit(&out->fq);
}

void chud_share(const chud_plan *pl, int64_t w, int64_t W, chud_pqt *nodes,
                chud_progress_fn progress, void *ctx)
{
    const int64_t count = decomp_count(pl->blocks, w, W);
    for (int64_t i = 0; i < count; i++) {
        const int64_t blk = decomp_index(w, W, i);
        chud_block(pl, blk, &nodes[blk]);
        if (progress)
            progress(ctx, blk);
    }
}

void chud_rank(const chud_plan *pl, int rank, int ranks, int threads, chud_pqt *nodes,
               chud_progress_fn progress, void *ctx)
{
    const int64_t W = (int64_t)ranks * threads;
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (int t = 0; t < threads; t++)
        chud_share(pl, decomp_worker(rank, threads, t), W, nodes, progress, ctx);
}

int64_t chud_level_nodes(int64_t blocks, int level)
{
    int64_t n = blocks;
    for (int l = 0; l < level; l++)
        n = (n + 1) / 2;
    return n;
}

int chud_levels(int64_t blocks)
{
    int l = 0;
    while (chud_level_nodes(blocks, l) > 1)
        l++;
    return l;
}

/// Common factors out: left P and right Q divided by the primes both hold (their smaller
/// exponents), known from the factorizations; nothing unless both nodes keep them.
static void take_common(chud_pqt *l, chud_pqt *r)
{
    if (!l->fac || !r->fac || !l->fp.n || !r->fq.n)
        return;
    flist common = {0, 0, 0};
    flist_take_common(&l->fp, &r->fq, &common);
    if (common.n) {
        mpz_t g;
        mpz_init(g);
        flist_value(&common, g);            /* exponents can be large: no 64-bit powers */
        mpz_divexact(l->P, l->P, g);
        mpz_divexact(r->Q, r->Q, g);
        mpz_clear(g);
    }
    flist_free(&common);
}

/// The parent's factorizations (left's, both children's multiplied), or none.
static void combine_factors(chud_pqt *l, const chud_pqt *r, int need_p, int keep_fac)
{
    if (!keep_fac || !l->fac || !r->fac) {
        flist_free(&l->fp);
        flist_free(&l->fq);
        l->fac = 0;
        return;
    }
    if (need_p)
        flist_mul(&l->fp, &l->fp, &r->fp);
    else
        flist_free(&l->fp);                 /* P is not kept: nor is its factorization */
    flist_mul(&l->fq, &l->fq, &r->fq);
}

/// The products of chud_combine on one thread, each input freed as soon as it is used up
/// (lower peak memory).
static void combine_serial(chud_pqt *l, chud_pqt *r, int need_p)
{
    mpz_t u;
    mpz_init(u);
    mpz_mul(u, l->P, r->T);
    mpz_clear(r->T);
    if (need_p)
        mpz_mul(l->P, l->P, r->P);
    else
        mpz_set_ui(l->P, 0);
    mpz_clear(r->P);
    mpz_mul(l->T, l->T, r->Q);
    mpz_add(l->T, l->T, u);
    mpz_clear(u);
    mpz_mul(l->Q, l->Q, r->Q);
    mpz_clear(r->Q);
    mpz_inits(r->P, r->Q, r->T, NULL);
}

/// The products of chud_combine on up to 4 threads: T = T1 Q2 + P1 T2, Q = Q1 Q2, P = P1 P2.
static void combine_parallel(chud_pqt *l, chud_pqt *r, int need_p, int threads)
{
    mpz_t u, p;
    mpz_inits(u, p, NULL);
    const int nt = threads < 4 ? threads : 4;
#pragma omp parallel sections num_threads(nt)
    {
#pragma omp section
        mpz_mul(u, l->P, r->T);
#pragma omp section
        mpz_mul(l->T, l->T, r->Q);
#pragma omp section
        mpz_mul(l->Q, l->Q, r->Q);
#pragma omp section
        if (need_p)
            mpz_mul(p, l->P, r->P);
    }
    mpz_add(l->T, l->T, u);
    mpz_swap(l->P, p);
    mpz_clears(u, p, NULL);
}

void chud_combine(chud_pqt *l, chud_pqt *r, int need_p, int keep_fac, int threads)
{
    take_common(l, r);
    combine_factors(l, r, need_p, keep_fac);
    if (threads <= 1)
        combine_serial(l, r, need_p);
    else
        combine_parallel(l, r, need_p, threads);
    chud_pqt_clear(r);      /* freed whole: a shrunk block would pin the heap (fragmentation) */
    chud_pqt_init(r);
}

/// Node j of `level` (the blocks it covers end before the last one): its P is needed above.
static int node_needs_p(const chud_plan *pl, int level, int64_t j)
{
    return ((j + 1) << level) < pl->blocks;
}

void chud_level(const chud_plan *pl, int level, chud_pqt *prev, chud_pqt *next,
                int (*keep)(void *ctx, int64_t j), void *ctx, int threads)
{
    const int64_t np = chud_level_nodes(pl->blocks, level - 1),
                  n = chud_level_nodes(pl->blocks, level);
    int64_t mine = 0, only = -1;
    for (int64_t j = 0; j < n; j++)
        if (!keep || keep(ctx, j)) {
            mine++;
            only = j;
        }
    if (mine == 0)
        return;
    const int keep_fac = level <= pl->fac_levels;
    if (mine == 1) {                    /* the top of the tree: the products side by side */
        chud_pqt_move(&next[only], &prev[2 * only]);
        if (2 * only + 1 < np)
            chud_combine(&next[only], &prev[2 * only + 1], node_needs_p(pl, level, only),
                         keep_fac, threads);
        return;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t j = 0; j < n; j++) {
        if (keep && !keep(ctx, j))
            continue;
        chud_pqt_move(&next[j], &prev[2 * j]);
        if (2 * j + 1 < np)
            chud_combine(&next[j], &prev[2 * j + 1], node_needs_p(pl, level, j), keep_fac, 1);
    }
}

void chud_tree(const chud_plan *pl, chud_pqt *nodes, int threads)
{
    const int levels = chud_levels(pl->blocks);
    chud_pqt *tmp = malloc(((size_t)pl->blocks + 1) * sizeof *tmp);
    if (!tmp)
        abort();
    for (int64_t j = 0; j < pl->blocks; j++)
        chud_pqt_init(&tmp[j]);
    chud_pqt *prev = nodes, *next = tmp;
    for (int l = 1; l <= levels; l++) {
        chud_level(pl, l, prev, next, NULL, NULL, threads);
        chud_pqt *s = prev;
        prev = next;
        next = s;
    }
    if (prev != nodes)
        chud_pqt_move(&nodes[0], &prev[0]);
    for (int64_t j = 0; j < pl->blocks; j++)
        chud_pqt_clear(&tmp[j]);
    free(tmp);
}

/// b: the fraction bits of the final step, floor(M log2(10)) or one less, M = N + guard
/// (2^b <= 10^M).  A 7-digit log2(10) would lose M / 10^7 bits: 95 of them at 10^9 digits.
static int64_t frac_bits(const chud_plan *pl)
{
    const long double M = (long double)(pl->digits + pl->guard);
    return (int64_t)floorl(M * 3.321928094887362347870319429489390L) - 1; /* rounding: -1 */
}

void chud_sqrt_term(const chud_plan *pl, mpz_t S)
{
    mpz_set_ui(S, 10005);
    mpz_mul_2exp(S, S, 2 * (mp_bitcnt_t)frac_bits(pl));
    mpz_sqrt(S, S);
}

/// Qt = 426880 (Q >> s), Tt = T >> s with Tt >= 2^48 2^b; the root is freed.
static void truncate_root(chud_pqt *root, int64_t b, mpz_t Qt, mpz_t Tt)
{
    const int64_t L = b + 1 + 48, s = (int64_t)mpz_sizeinbase(root->T, 2) - L;
    if (s > 0) {
        mpz_fdiv_q_2exp(Qt, root->Q, (mp_bitcnt_t)s);
        mpz_fdiv_q_2exp(Tt, root->T, (mp_bitcnt_t)s);
    } else {
        mpz_set(Qt, root->Q);
        mpz_set(Tt, root->T);
    }
    mpz_mul_ui(Qt, Qt, CHUD_SCALE);
    chud_pqt_clear(root);
    chud_pqt_init(root);
}

/// k of the quotient Y = floor(426880 Qt 2^k / Tt): 2^k > 2^7 2^b > S.
static mp_bitcnt_t quotient_shift(const chud_plan *pl)
{
    return (mp_bitcnt_t)(frac_bits(pl) + 8);
}

int chud_root_quotient(const chud_plan *pl, chud_pqt *root, mpz_t Y)
{
    if (mpz_sgn(root->T) <= 0 || mpz_sgn(root->Q) <= 0)
        return -1;
    mpz_t Qt, Tt;
    mpz_inits(Qt, Tt, NULL);
    truncate_root(root, frac_bits(pl), Qt, Tt);
    mpz_mul_2exp(Qt, Qt, quotient_shift(pl));
    mpz_fdiv_q(Y, Qt, Tt);
    mpz_clears(Qt, Tt, NULL);
    return 0;
}

int chud_fraction_from_quotient(const chud_plan *pl, const mpz_t Y, const mpz_t S, frac_iv *x)
{
    const int64_t b = frac_bits(pl);
    mpz_t three;
    mpz_init_set_ui(three, 3);
    mpz_mul_2exp(three, three, (mp_bitcnt_t)b);
    mpz_mul(x->y, S, Y);                    /* X' = floor(S Y / 2^k) */
    mpz_fdiv_q_2exp(x->y, x->y, quotient_shift(pl));
    mpz_sub_ui(x->y, x->y, 1);              /* pi 2^b in [X' - 1, X' + 3] */
    mpz_sub(x->y, x->y, three);
    x->bits = b;
    x->err = 5;
    const int ok = mpz_sgn(x->y) >= 0 && mpz_sizeinbase(x->y, 2) <= (size_t)b;
    mpz_clear(three);
    return ok ? 0 : -1;
}

int chud_fraction_value(const chud_plan *pl, chud_pqt *root, const mpz_t S, frac_iv *x)
{
    mpz_t Y;
    mpz_init(Y);
    const int rc = chud_root_quotient(pl, root, Y) || chud_fraction_from_quotient(pl, Y, S, x);
    mpz_clear(Y);
    return rc ? -1 : 0;
}

char *chud_format(const frac_iv *x, int64_t digits, int threads)
{
    char *s = malloc((size_t)digits + 3);
    if (!s || digits_frac_write(x, digits, threads, s + 2) != 0) {
        free(s);
        return NULL;
    }
    s[0] = '3';
    s[1] = '.';
    s[digits + 2] = '\0';
    return s;
}

char *chud_digits_string(const chud_plan *pl, chud_pqt *root, int threads)
{
    mpz_t S;
    frac_iv x;
    mpz_inits(S, x.y, NULL);
    chud_sqrt_term(pl, S);
    char *s = chud_fraction_value(pl, root, S, &x) == 0 ? chud_format(&x, pl->digits, threads)
                                                         : NULL;
    mpz_clears(S, x.y, NULL);
    return s;
}
