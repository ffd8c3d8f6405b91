/* test_bbp.c - BBP kernels: hex digits against MPFR and Bailey's table, fast == ref, decimals against MPFR. */
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "tap.h"

/// Hex digits of pi from position D (1-based after the point) via the kernel.
static void hex_at(bbp_hex_kernel k, int64_t D, int W, char *hex, int ndig, int *guaranteed)
{
    bbp_hex_sums total, part;
    memset(&total, 0, sizeof total);
    for (int w = 0; w < W; w++) {
        memset(&part, 0, sizeof part);
        k(D - 1, 0, bbp_hex_terms(D - 1), w, W, &part);
        bbp_hex_add(&total, &part);
    }
    *guaranteed = bbp_hex_guaranteed(bbp_hex_combine(&total), bbp_hex_error_units(D - 1), hex, ndig);
}

static int same_sums(int64_t d, int64_t w, int64_t W)
{
    bbp_hex_sums a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    bbp_hex_fast(d, 0, bbp_hex_terms(d), w, W, &a);
    bbp_hex_ref(d, 0, bbp_hex_terms(d), w, W, &b);
    return memcmp(&a, &b, sizeof a) == 0;
}

int main(void)
{
    /* MPFR's pi in hex, an independent source: digits after "3." */
    mpfr_t pi;
    mpfr_exp_t ex;
    mpfr_init2(pi, 4 * 5200);
    mpfr_const_pi(pi, MPFR_RNDZ);
    char *mhex = mpfr_get_str(NULL, &ex, 16, 5100, pi, MPFR_RNDZ); /* "3243f6a8..." */
    for (char *p = mhex; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');

    char hex[32];
    int g, bad = 0;
    for (int64_t D = 1; D <= 300; D++) {
        hex_at(bbp_hex_fast, D, 3, hex, 14, &g);
        bad += g < 14 || strncmp(hex, mhex + D, 14) != 0;
    }
    tap_ok(bad == 0, "hex digits at positions 1..300 equal MPFR's pi (14 each, %d wrong)", bad);
    hex_at(bbp_hex_fast, 1, 1, hex, 24, &g);
    tap_ok(!strncmp(hex, "243F6A8885A308D313198A2E", 24) && g >= 24,
           "position 1: %s (%d guaranteed)", hex, g);
    hex_at(bbp_hex_fast, 1000, 4, hex, 14, &g);
    tap_ok(!strncmp(hex, mhex + 1000, 14), "position 1000: %s == MPFR %.14s", hex, mhex + 1000);
    hex_at(bbp_hex_fast, 5000, 1, hex, 20, &g);
    tap_ok(!strncmp(hex, mhex + 5000, 20) && g >= 20, "position 5000: 20 digits == MPFR");

    /* Bailey's published table (Bailey, Borwein, Plouffe 1997; Wikipedia "BBP formula"). */
    static const struct {
        int64_t D;
        const char *hex;
    } table[] = {{1000000, "26C65E52CB4593"}, {10000000, "17AF5863EFED8D"}};
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        hex_at(bbp_hex_fast, table[t].D, 2, hex, 14, &g);
        tap_ok(!strcmp(hex, table[t].hex) && g >= 14, "position %lld: %s (Bailey: %s), %d guaranteed",
               (long long)table[t].D, hex, table[t].hex, g);
    }
    hex_at(bbp_hex_ref, 1000000, 1, hex, 14, &g);
    tap_ok(!strcmp(hex, "26C65E52CB4593"), "reference kernel at 10^6: %s", hex);

    /* fast == reference, sums exactly equal, for many (d, w, W) */
    static const int64_t ds[] = {0, 1, 2, 5, 36, 37, 100, 999, 12345, 100000};
    static const int64_t Ws[] = {1, 2, 3, 7, 64, 200};
    int same = 1;
    for (size_t a = 0; a < sizeof ds / sizeof ds[0]; a++)
        for (size_t b = 0; b < sizeof Ws / sizeof Ws[0]; b++)
            for (int64_t w = 0; w < Ws[b]; w++)
                same &= same_sums(ds[a], w, Ws[b]);
    tap_ok(same, "fast kernel chunk sums == 128-bit reference for every worker of many (d, W)");

    /* the largest positions: moduli near 2^47, huge strides keep it quick */
    same = 1;
    const int64_t dmax = BBP_MAX_HEX_AT - 1, Wbig = INT64_C(1000000000);
    for (int64_t w = 0; w < 3; w++)
        same &= same_sums(dmax, w, Wbig) && same_sums(dmax, Wbig - 1 - w, Wbig) &&
                same_sums(dmax / 3, w * 7919, Wbig);
    tap_ok(same, "d = 1e13 - 1 (moduli ~2^46): double-precision modular arithmetic == 128-bit");

    /* split invariance: the combined fraction is the same for W = 1..9 */
    int split = 1;
    char h1[32], hw[32];
    hex_at(bbp_hex_fast, 77777, 1, h1, 20, &g);
    for (int W = 2; W <= 9; W++) {
        int gw;
        hex_at(bbp_hex_fast, 77777, W, hw, 20, &gw);
        split &= !strcmp(h1, hw) && gw == g;
    }
    tap_ok(split, "position 77777: identical digits and guarantee for W = 1..9");

    /* spans (checkpointed runs): any cut of the terms, each span on its own W, same sums */
    {
        const int64_t d = 77776, n = bbp_hex_terms(d), cuts[] = {0, 1, 4099, 50000, n};
        bbp_hex_sums whole, spans, part;
        memset(&whole, 0, sizeof whole);
        memset(&spans, 0, sizeof spans);
        bbp_hex_rank(bbp_hex_fast, d, 0, n, 0, 1, 1, &whole);
        for (int i = 0; i < 4; i++)
            for (int r = 0; r < 2 + i; r++) {
                bbp_hex_rank(i % 2 ? bbp_hex_ref : bbp_hex_fast, d, cuts[i], cuts[i + 1], r,
                             2 + i, 1 + i % 2, &part);
                bbp_hex_add(&spans, &part);
            }
        tap_ok(!memcmp(&whole, &spans, sizeof whole),
               "spans [0,1) [1,4099) [4099,50000) [50000,n) on 2..5 ranks (fast and ref) == "
               "the whole run's sums");
    }

    /* guarantee logic on crafted fractions */
    const fx_u128 one = (fx_u128)1 << 120;
    const fx_u128 f = (one >> 4) * 3 + ((fx_u128)1 << 60);  /* 0x3000..0001000.. */
    tap_ok(bbp_hex_guaranteed(f, 1, hex, 24) >= 14 && hex[0] == '3',
           "a fraction far from digit boundaries: >= 14 digits guaranteed");
    tap_ok(bbp_hex_guaranteed((one >> 4) * 3, 1, hex, 24) == 0,
           "a fraction on a digit boundary with any error: none guaranteed");
    tap_ok(bbp_hex_guaranteed((one >> 4) * 3 + 16, 32, hex, 24) == 0 &&
               bbp_hex_guaranteed((one >> 4) * 3 + 16, 8, hex, 24) == 28,
           "the interval decides: error 32 straddles, error 8 leaves 28 digits");
    tap_ok(bbp_hex_guaranteed(3, 5, hex, 24) == 0 && bbp_hex_guaranteed(one - 2, 5, hex, 24) == 0,
           "intervals wrapping past 0 or 1 guarantee nothing");

    /* decimal digits against MPFR, truncated */
    static const int64_t Ns[] = {1, 10, 1000, 10000};
    for (size_t t = 0; t < sizeof Ns / sizeof Ns[0]; t++) {
        const int64_t N = Ns[t], bits = bbp_decimal_bits(N);
        mpz_t pos, neg;
        mpz_inits(pos, neg, NULL);
        for (int w = 0; w < 3; w++)
            bbp_decimal_share(bits, w, 3, pos, neg);
        char *s = bbp_decimal_string(pos, neg, bits, N);
        mpfr_t p;
        mpfr_init2(p, (mpfr_prec_t)bits + 64);
        mpfr_const_pi(p, MPFR_RNDZ);
        char *ref = mpfr_get_str(NULL, &ex, 10, (size_t)N + 1, p, MPFR_RNDZ); /* "31415..." */
        tap_ok(s && strlen(s) == (size_t)N + 2 && s[0] == '3' && s[1] == '.' &&
                   !strncmp(s + 2, ref + 1, (size_t)N),
               "%lld decimal digits == MPFR's, truncated (...%s)", (long long)N,
               s ? s + strlen(s) - (N < 10 ? N : 10) : "none");
        mpfr_free_str(ref);
        mpfr_clear(p);
        free(s);
        mpz_clears(pos, neg, NULL);
    }

    /* decimal shares: any split, same exact integers */
    {
        const int64_t bits = bbp_decimal_bits(3000);
        mpz_t p1, n1, p, n;
        mpz_inits(p1, n1, p, n, NULL);
        bbp_decimal_share(bits, 0, 1, p1, n1);
        int ok = 1;
        for (int W = 2; W <= 6; W++) {
            mpz_set_ui(p, 0);
            mpz_set_ui(n, 0);
            for (int w = 0; w < W; w++)
                bbp_decimal_share(bits, w, W, p, n);
            ok &= !mpz_cmp(p, p1) && !mpz_cmp(n, n1);
        }
        mpz_set_ui(p, 0);
        mpz_set_ui(n, 0);
        bbp_decimal_rank(bits, 1, 2, 3, p, n);
        bbp_decimal_rank(bits, 0, 2, 3, p, n);
        ok &= !mpz_cmp(p, p1) && !mpz_cmp(n, n1);
        tap_ok(ok, "decimal fixed-point shares sum to the same integers for W = 1..6 and 2 ranks x 3 threads");
        mpz_clears(p1, n1, p, n, NULL);
    }
    mpfr_free_str(mhex);
    mpfr_clear(pi);
    return tap_done();
}
