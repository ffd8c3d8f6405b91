/* bbp_split.c - pi to N decimal digits from the BBP series by blocked binary splitting (GMP). */
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "decomp.h"
#include "factors.h"

/*
 * In lowest terms the BBP term is 16^-k p(k)/q(k) with
 *   p(k) = 120k^2 + 151k + 47,   q(k) = (8k+1)(2k+1)(8k+5)(4k+3) = 512k^4 + ... + 15,
 * every term positive.  Over a block [a, b) binary splitting gives integers T, Q with
 *   S(a,b) = sum_{k=a}^{b-1} 16^-(k-a) p(k)/q(k) = T / (Q 16^(b-a-1)):
 * a leaf is (p(k), q(k)) and halves [a,m), [m,b) combine, plainly, as
 *   T = T1 Q2 16^(b-m) + T2 Q1,   Q = Q1 Q2.
 * The block's share of pi 2^P is 16^-a S(a,b) 2^P = T 2^(P - 4(b-1)) / Q, floored once: the
 * only rounding of the block.  A block's Q grows by ~9 + 4 log2 k bits a term (less the common
 * factors, below) while its share needs only P - 4a bits, so blocks are cut where Q reaches
 * that precision: the plan depends on N alone (integer arithmetic only), so the integer sum of
 * the floors is the same on every layout and every host.
 *
 * Common factors.  Q(x,y) only has to be a common multiple of the q(k), k in [x,y), so halves
 * combine over G = the part of gcd(Q1, Q2) made of primes up to the block's bound B:
 *   T = T1 (Q2/G) 16^(b-m) + T2 (Q1/G),   Q = Q1 Q2 / G.
 * A node keeps Q = R A apart: R, the product of the leaves' parts free of primes <= B (an
 * integer), and A = prod p^e over those primes as a list of exponents (a segmented sieve
 * factors the leaves).  Then Qi/G = Ri Xi with Xi = prod p^(ei - min(e1, e2)), a product of a
 * few small prime powers: no gcd, no division, and the primes both halves share are never
 * multiplied in at all.  The rational T/Q is unchanged, only smaller: at 10^7 digits the first
 * block's Q keeps 19 bits a term of the plain product's 77, a middle block's 59 of 101.
 */

/// Floor of log2(v) + 1 (0 for 0).
static int64_t bitlen(uint64_t v)
{
    int64_t l = 0;
    for (; v; v >>= 1)
        l++;
    return l;
}

/// Bits of q(k), from above: q(k) < 2^9 (k+1)^4.
static int64_t q_bits(int64_t k)
{
    return 9 + 4 * bitlen((uint64_t)k + 1);
}

/// Expected bits of a block's Q with its common factors out: qb bits of plain product over len
/// terms, less ~3.4 log2(len) a term (measured), at least 8 a term.
static int64_t reduced_bits(int64_t qb, int64_t len)
{
    const int64_t r = qb - 27 * len * bitlen((uint64_t)len) / 8;
    return r > 8 * len ? r : 8 * len;
}

/// Primes up to this bound are cancelled in a block of len terms: the small primes save the
/// most, and a larger bound costs more in sieving and lists than it saves (measured by
/// instruction counts at 10^6 digits: len/4 5% below 2 len, len/16 2% above len/4).
static int64_t prime_bound(int64_t len)
{
    const int64_t b = len / 4;
    return b < BBP_SPLIT_MAX_PRIME ? b : BBP_SPLIT_MAX_PRIME;
}

int64_t bbp_split_terms(int64_t bits)
{
    /* sum_{k>=K} 16^-k p/q < 16^-K (p/q <= 47/15 at k = 0, decreasing): below one unit
       once 4K >= P + 2 */
    return bits / 4 + 2;
}

/// The odd primes up to `limit` into the plan.
static int sieve(int64_t limit, bbp_split_plan *pl)
{
    char *comp = calloc((size_t)limit + 1, 1);
    int64_t n = 0;
    pl->primes = malloc(((size_t)limit / 2 + 2) * sizeof *pl->primes);
    if (!comp || !pl->primes) {
        free(comp);
        free(pl->primes);
        return -1;
    }
    for (int64_t i = 3; i <= limit; i += 2) {
        if (comp[i])
            continue;
        pl->primes[n++] = (uint32_t)i;
        for (int64_t j = i * i; j <= limit; j += 2 * i)
            comp[j] = 1;
    }
    free(comp);
    pl->nprimes = n;
    return 0;
}

int64_t bbp_split_block_cost(int64_t len, int64_t qb)
{
    /* ~log2(len) levels of products of r bits in all (fitted to block times at 1e6 digits,
       bench/bench_plan); the block's division (a want-bit quotient) is not capped: no cut
       makes it smaller, and more blocks at full precision only add divisions */
    const int64_t r = reduced_bits(qb, len);
    return r * bitlen((uint64_t)r) * bitlen((uint64_t)len);
}

/// Cut [0, K) into blocks: each ends where its Q reaches the bits its share needs, or where its
/// modelled splitting cost reaches cost_cap (0: no cap); at least BBP_SPLIT_MIN_BLOCK terms.  Boundaries
/// into *start (grown as needed), their number returned, the summed cost into *total; -1 if
/// out of memory.
static int64_t cut_blocks(int64_t bits, int64_t K, int64_t cost_cap, int64_t **start,
                          int64_t *cap, int64_t *total)
{
    int64_t n = 0;
    *total = 0;
    for (int64_t a = 0; a < K;) {
        int64_t want = bits - 4 * a, len = 0, qb = 0, cost = 0;
        if (want > BBP_SPLIT_MAX_BLOCK_BITS)
            want = BBP_SPLIT_MAX_BLOCK_BITS;
        while (a + len < K && (len < BBP_SPLIT_MIN_BLOCK ||
                               (reduced_bits(qb, len) < want && len < K / BBP_SPLIT_PARTS &&
                                (!cost_cap || cost < cost_cap)))) {
            qb += q_bits(a + len++);
            cost = bbp_split_block_cost(len, qb);
        }
        if (n + 2 > *cap) {
            int64_t *s = realloc(*start, (size_t)(*cap *= 2) * sizeof **start);
            if (!s)
                return -1;
            *start = s;
        }
        (*start)[n++] = a;
        *total += cost;
        a += len;
    }
    return n;
}

int bbp_split_plan_make(int64_t digits, int64_t extra_bits, bbp_split_plan *pl)
{
    const int64_t bits = bbp_decimal_bits(digits) + extra_bits;
    const int64_t K = bbp_split_terms(bits);
    int64_t cap = 64, total;
    int64_t *start = malloc((size_t)cap * sizeof *start);
    /* a first cut by precision alone gives the total cost; the plan caps every block at a
       BBP_SPLIT_COST_PARTS-th of it, so the first blocks (full precision) are cut finer */
    int64_t n = start ? cut_blocks(bits, K, 0, &start, &cap, &total) : -1;
    if (n >= 0)
        n = cut_blocks(bits, K, total / BBP_SPLIT_COST_PARTS + 1, &start, &cap, &total);
    if (n < 0) {
        free(start);
        return -1;
    }
    start[n] = K;
    *pl = (bbp_split_plan){.digits = digits, .bits = bits, .terms = K, .blocks = n, .start = start};
    int64_t longest = 0;
    for (int64_t b = 0; b < n; b++)
        longest = start[b + 1] - start[b] > longest ? start[b + 1] - start[b] : longest;
    if (sieve(prime_bound(longest), pl) != 0) {
        free(start);
        return -1;
    }
    return 0;
}

void bbp_split_plan_free(bbp_split_plan *pl)
{
    free(pl->start);
    free(pl->primes);
    pl->start = NULL;
    pl->primes = NULL;
}

/// T = p(k) = 120k^2 + 151k + 47 (q(k) comes from the sieve window, as R A).
static void leaf_p(int64_t k, mpz_t T)
{
    mpz_set_ui(T, 120 * (uint64_t)k + 151);
    mpz_mul_ui(T, T, (uint64_t)k);
    mpz_add_ui(T, T, 47);
}

/// Window of the segmented sieve: factorizations of q(k), k in [s0, s1), over primes <= bound.
typedef struct {
    int64_t s0, s1;
    int64_t *off;   ///< factors of q(k): fac[off[k-s0] .. off[k-s0+1]), ascending p (WINDOW + 1)
    int64_t *fill;  ///< scratch of the sort (WINDOW)
    pfac *fac, *hit; ///< sorted factors; hits in prime order (cap each)
    int64_t *kidx;  ///< window index of each hit (cap)
    int64_t cap;
    uint64_t *rem;  ///< the four factors of each q(k) with the primes <= B divided out (4 WINDOW)
    int64_t *next;  ///< per prime and factor form: the next k it divides (4 np)
    uint64_t *inv;  ///< per prime: its inverse mod 2^64 (exact division by multiplication)
} fwindow;

/// Everything one block's recursion uses.
typedef struct {
    const bbp_split_plan *pl;
    int64_t b, np;  ///< block end; primes[0..np) are <= the block's bound
    fwindow w;
    mpz_t (*v)[5];  ///< scratch integers a level
    flist (*fl)[2]; ///< factorizations a level: the left and the right child's
    int depth;
    uint64_t *pw[2]; ///< prime powers of X1 and X2 (np each)
} split_ctx;

enum { WINDOW = 8192 }; /* terms sieved at a time */

static const uint64_t form_a[4] = {8, 2, 8, 4}, form_b[4] = {1, 1, 5, 3};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();    /* a few MB at most: the driver's memory estimate keeps this away */
    return q;
}

/// First k >= s0 with p | alpha k + beta (p an odd prime < 2^32, alpha a power of two).
static int64_t first_hit(uint64_t p, uint64_t alpha, uint64_t beta, int64_t s0)
{
    const uint64_t inv2 = (p + 1) / 2;
    uint64_t ainv = 1;
    for (uint64_t a = alpha; a > 1; a >>= 1)
        ainv = ainv * inv2 % p;
    const uint64_t r = (p - beta % p) % p * ainv % p;     /* k = -beta/alpha mod p */
    return s0 + (int64_t)((r + p - (uint64_t)s0 % p) % p);
}

/// Room for n hits in the window.
static void window_room(fwindow *w, int64_t n)
{
    if (n <= w->cap)
        return;
    while (w->cap < n)
        w->cap = w->cap ? 2 * w->cap : 8 * WINDOW;
    w->fac = xrealloc(w->fac, (size_t)w->cap * sizeof *w->fac);
    w->hit = xrealloc(w->hit, (size_t)w->cap * sizeof *w->hit);
    w->kidx = xrealloc(w->kidx, (size_t)w->cap * sizeof *w->kidx);
}

/// Hits of the block's primes in the window, prime by prime: hit[i] = (p, e) at index kidx[i].
/// p | v is exact, so v / p = v p^-1 mod 2^64, and p | q iff q p^-1 mod 2^64 <= (2^64-1)/p.
static int64_t window_hits(const split_ctx *c, fwindow *w)
{
    int64_t n = 0;
    for (int64_t i = 0; i < 4 * (w->s1 - w->s0); i++)
        w->rem[i] = form_a[i % 4] * (uint64_t)(w->s0 + i / 4) + form_b[i % 4];
    for (int64_t i = 0; i < c->np; i++) {
        const uint64_t p = c->pl->primes[i], inv = w->inv[i], lim = UINT64_MAX / p;
        for (int j = 0; j < 4; j++) {
            int64_t k = w->next[4 * i + j];
            for (; k < w->s1; k += (int64_t)p) {
                uint64_t *r = &w->rem[4 * (k - w->s0) + j];
                uint32_t e = 1;
                *r *= inv;                          /* exact: p divides it */
                while (*r * inv <= lim) {
                    *r *= inv;
                    e++;
                }
                window_room(w, n + 1);
                w->hit[n] = (pfac){(uint32_t)p, e};
                w->kidx[n++] = k - w->s0;
            }
            w->next[4 * i + j] = k;
        }
    }
    return n;
}

/// Sieve the window starting at s0: each q(k)'s factors, ascending (a stable sort by k).
static void window_fill(split_ctx *c, int64_t s0)
{
    fwindow *w = &c->w;
    w->s0 = s0;
    w->s1 = s0 + WINDOW < c->b ? s0 + WINDOW : c->b;
    const int64_t S = w->s1 - s0, n = window_hits(c, w);
    memset(w->off, 0, (size_t)(S + 1) * sizeof *w->off);
    for (int64_t i = 0; i < n; i++)
        w->off[w->kidx[i] + 1]++;
    for (int64_t k = 0; k < S; k++) {
        w->off[k + 1] += w->off[k];
        w->fill[k] = w->off[k];
    }
    for (int64_t i = 0; i < n; i++)
        w->fac[w->fill[w->kidx[i]]++] = w->hit[i];
}

/// q(k) = R A: R, its part free of primes <= B, and A's factorization F (the primes 3 and 5
/// can divide two of its factors: merged).  Leaves come in increasing k: windows go forward.
static void leaf_factors(split_ctx *c, int64_t k, mpz_t R, flist *F)
{
    if (k >= c->w.s1)
        window_fill(c, k);
    const uint64_t *r = &c->w.rem[4 * (k - c->w.s0)];
    mpz_set_ui(R, r[0]);
    for (int j = 1; j < 4; j++)
        mpz_mul_ui(R, R, r[j]);
    const pfac *src = c->w.fac + c->w.off[k - c->w.s0];
    const int64_t n = c->w.off[k - c->w.s0 + 1] - c->w.off[k - c->w.s0];
    flist_set_sorted(F, src, n);
}

/// F = the larger exponents of F1 and F2 (A of Q1 Q2 / G); X1's prime powers p^(e1 - min) into
/// c->pw[0], X2's into c->pw[1]; their counts into n[0], n[1].
static void merge_factors(split_ctx *c, const flist *F1, const flist *F2, flist *F, int64_t n[2])
{
    int64_t i = 0, j = 0;
    flist_room(F, F1->n + F2->n);
    F->n = n[0] = n[1] = 0;
    while (i < F1->n || j < F2->n) {
        if (j == F2->n || (i < F1->n && F1->f[i].p < F2->f[j].p)) {
            c->pw[0][n[0]++] = fac_ipow(F1->f[i].p, F1->f[i].e);
            F->f[F->n++] = F1->f[i++];
        } else if (i == F1->n || F2->f[j].p < F1->f[i].p) {
            c->pw[1][n[1]++] = fac_ipow(F2->f[j].p, F2->f[j].e);
            F->f[F->n++] = F2->f[j++];
        } else {
            const uint32_t e1 = F1->f[i].e, e2 = F2->f[j].e;
            if (e1 != e2)
                c->pw[e1 > e2 ? 0 : 1][n[e1 > e2 ? 0 : 1]++] =
                    fac_ipow(F1->f[i].p, e1 > e2 ? e1 - e2 : e2 - e1);
            F->f[F->n++] = e1 > e2 ? F1->f[i] : F2->f[j];
            i++;
            j++;
        }
    }
}

/// out = R times the product of f[0..n-1].
static void times_powers(mpz_t out, const mpz_t R, const uint64_t *f, int64_t n, mpz_t tmp)
{
    if (n == 0) {
        mpz_set(out, R);
        return;
    }
    fac_product(f, n, tmp);
    mpz_mul(out, R, tmp);
}

/// T, R and A's factorization F of [a, b) (Q = R A), with the scratch of level `lvl` and
/// below; the children's factorizations are c->fl[lvl][0] and [1].
static void split(split_ctx *c, int64_t a, int64_t b, mpz_t T, mpz_t R, flist *F, int lvl)
{
    if (b - a == 1) {
        leaf_p(a, T);
        leaf_factors(c, a, R, F);
        return;
    }
    const int64_t m = a + (b - a) / 2;
    mpz_ptr T2 = c->v[lvl][0], R2 = c->v[lvl][1], t = c->v[lvl][2], u = c->v[lvl][3],
            x = c->v[lvl][4];
    int64_t n[2];
    split(c, a, m, T, R, &c->fl[lvl][0], lvl + 1);
    split(c, m, b, T2, R2, &c->fl[lvl][1], lvl + 1);
    merge_factors(c, &c->fl[lvl][0], &c->fl[lvl][1], F, n);
    /* T = T1 Q2' 16^(b-m) + T2 Q1' with Qi' = Qi / G = Ri Xi;  R = R1 R2 */
    times_powers(u, R2, c->pw[1], n[1], x);
    mpz_mul(t, T, u);
    mpz_mul_2exp(t, t, (mp_bitcnt_t)(4 * (b - m)));
    times_powers(u, R, c->pw[0], n[0], x);
    mpz_mul(T, T2, u);
    mpz_add(T, T, t);
    mpz_mul(t, R, R2);
    mpz_swap(R, t);
}

static void ctx_init(split_ctx *c, const bbp_split_plan *pl, int64_t a, int64_t b)
{
    const int64_t bound = prime_bound(b - a);
    memset(c, 0, sizeof *c);
    c->pl = pl;
    c->b = b;
    while (c->np < pl->nprimes && pl->primes[c->np] <= bound)
        c->np++;
    c->depth = 1;
    while ((INT64_C(1) << (c->depth - 1)) < b - a)
        c->depth++;
    c->v = xrealloc(NULL, (size_t)c->depth * sizeof *c->v);
    c->fl = calloc((size_t)c->depth + 1, sizeof *c->fl);
    if (!c->fl)
        abort();
    for (int i = 0; i < c->depth; i++)
        mpz_inits(c->v[i][0], c->v[i][1], c->v[i][2], c->v[i][3], c->v[i][4], NULL);
    c->pw[0] = xrealloc(NULL, ((size_t)c->np + 1) * sizeof *c->pw[0]);
    c->pw[1] = xrealloc(NULL, ((size_t)c->np + 1) * sizeof *c->pw[1]);
    c->w.rem = xrealloc(NULL, 4 * WINDOW * sizeof *c->w.rem);
    c->w.off = xrealloc(NULL, (WINDOW + 1) * sizeof *c->w.off);
    c->w.fill = xrealloc(NULL, WINDOW * sizeof *c->w.fill);
    c->w.next = xrealloc(NULL, (4 * (size_t)c->np + 1) * sizeof *c->w.next);
    c->w.inv = xrealloc(NULL, ((size_t)c->np + 1) * sizeof *c->w.inv);
    for (int64_t i = 0; i < c->np; i++) {
        const uint64_t p = pl->primes[i];
        uint64_t inv = p;                       /* Newton: p p = 1 mod 8, each step doubles */
        for (int s = 0; s < 5; s++)
            inv *= 2 - p * inv;
        c->w.inv[i] = inv;
        for (int j = 0; j < 4; j++)
            c->w.next[4 * i + j] = first_hit(p, form_a[j], form_b[j], a);
    }
    c->w.s0 = c->w.s1 = a;
}

static void ctx_free(split_ctx *c)
{
    for (int i = 0; i < c->depth; i++)
        mpz_clears(c->v[i][0], c->v[i][1], c->v[i][2], c->v[i][3], c->v[i][4], NULL);
    for (int i = 0; i <= c->depth; i++) {
        free(c->fl[i][0].f);
        free(c->fl[i][1].f);
    }
    free(c->v);
    free(c->fl);
    free(c->pw[0]);
    free(c->pw[1]);
    free(c->w.rem);
    free(c->w.off);
    free(c->w.fill);
    free(c->w.next);
    free(c->w.inv);
    free(c->w.fac);
    free(c->w.hit);
    free(c->w.kidx);
}

void bbp_split_block(const bbp_split_plan *pl, int64_t blk, mpz_t acc)
{
    const int64_t a = pl->start[blk], b = pl->start[blk + 1];
    split_ctx c;
    flist F = {NULL, 0, 0};
    mpz_t T, Q;
    ctx_init(&c, pl, a, b);
    mpz_inits(T, Q, NULL);
    split(&c, a, b, T, Q, &F, 0);
    for (int64_t i = 0; i < F.n; i++)
        c.pw[0][i] = fac_ipow(F.f[i].p, F.f[i].e);
    times_powers(Q, Q, c.pw[0], F.n, c.v[0][0]);      /* Q = R A */
    free(F.f);
    ctx_free(&c);
    const int64_t shift = pl->bits - 4 * (b - 1);
    if (shift >= 0)
        mpz_mul_2exp(T, T, (mp_bitcnt_t)shift);
    else
        mpz_fdiv_q_2exp(T, T, (mp_bitcnt_t)-shift);   /* floor(floor(x/2^s)/Q) = floor(x/(2^s Q)) */
    mpz_fdiv_q(T, T, Q);
    mpz_add(acc, acc, T);
    mpz_clears(T, Q, NULL);
}

void bbp_split_share(const bbp_split_plan *pl, int64_t w, int64_t W, mpz_t acc,
                     bbp_progress_fn progress, void *ctx)
{
    const int64_t count = decomp_count(pl->blocks, w, W);
    for (int64_t i = 0; i < count; i++) {
        const int64_t blk = decomp_index(w, W, i);
        bbp_split_block(pl, blk, acc);
        if (progress)
            progress(ctx, blk);
    }
}

void bbp_split_rank(const bbp_split_plan *pl, int rank, int ranks, int threads, mpz_t acc,
                    bbp_progress_fn progress, void *ctx)
{
    const int64_t W = (int64_t)ranks * threads;
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (int t = 0; t < threads; t++) {
        mpz_t s;
        mpz_init(s);
        bbp_split_share(pl, decomp_worker(rank, threads, t), W, s, progress, ctx);
#pragma omp critical(bbp_split_rank)
        mpz_add(acc, acc, s);
        mpz_clear(s);
    }
}
