/* test_cli.c - strict count parsing: exact scientific notation accepted, everything else refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

int main(void)
{
    static const struct {
        const char *text;
        int64_t value;
    } good[] = {
        {"1", 1},
        {"1000000000", 1000000000},
        {"1e9", 1000000000},
        {"1E9", 1000000000},
        {"2.5e8", 250000000},
        {"+7", 7},
        {"0007", 7},
        {"1.0", 1},
        {"12.50e1", 125},
        {"0.5e1", 5},
        {"100e-2", 1},
        {"4503599627370496", INT64_C(4503599627370496)},
        {"9223372036854775807", INT64_MAX},
        {"9.223372036854775807e18", INT64_MAX},
        {"1e18", INT64_C(1000000000000000000)},
    };
    static const struct {
        const char *text;
        const char *why;
    } bad[] = {
        {"", "empty value"},
        {"0", "must be positive"},
        {"0e5", "must be positive"},
        {"-5", "must be positive"},
        {"abc", "not a number"},
        {"1.5", "not a whole number"},
        {"1e-1", "not a whole number"},
        {"1e30", "too large"},
        {"9223372036854775808", "too large"},
        {"2^64", "not a number"},
        {"1e", "not a number (bad exponent)"},
        {"1e+", "not a number (bad exponent)"},
        {"12x", "not a number"},
        {" 12", "not a number"},
        {"0x10", "not a number"},
        {".", "not a number"},
        {"1e99999999999999999999", "too large"},
        {"1e-99999999999999999999", "not a whole number"},
    };
    int64_t v;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        v = -1;
        const char *why = cli_parse_count(good[i].text, 1, INT64_MAX, &v);
        tap_ok(!why && v == good[i].value, "'%s' -> %lld (got %lld%s%s)", good[i].text,
               (long long)good[i].value, (long long)v, why ? ", " : "", why ? why : "");
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 12345;
        const char *why = cli_parse_count(bad[i].text, 1, INT64_MAX, &v);
        tap_ok(why && !strcmp(why, bad[i].why) && v == 12345, "'%s' refused: %s (got %s)",
               bad[i].text, bad[i].why, why ? why : "accepted");
    }
    tap_ok(cli_parse_count("4503599627370497", 1, INT64_C(1) << 52, &v) != NULL,
           "max is enforced (2^52 + 1 refused)");
    tap_ok(cli_parse_count("65", 1, 64, &v) && !strcmp(cli_parse_count("65", 1, 64, &v),
                                                        "too large"),
           "range max 64: 65 is too large");

    uint64_t u;
    tap_ok(!cli_parse_u64("18446744073709551615", &u) && u == UINT64_MAX, "u64 max accepted");
    tap_ok(!cli_parse_u64("0x2a", &u) && u == 42, "u64 hex accepted");
    tap_ok(cli_parse_u64("18446744073709551616", &u) != NULL, "2^64 refused");
    tap_ok(cli_parse_u64("-1", &u) != NULL && cli_parse_u64("4.2", &u) != NULL &&
               cli_parse_u64("", &u) != NULL && cli_parse_u64("x", &u) != NULL,
           "negative, fraction, empty, junk refused");

    int t;
    unsetenv("OMP_NUM_THREADS");
    tap_ok(!cli_env_threads(64, &t) && t == 1, "OMP_NUM_THREADS unset: 1 thread");
    setenv("OMP_NUM_THREADS", "3", 1);
    tap_ok(!cli_env_threads(64, &t) && t == 3, "OMP_NUM_THREADS=3");
    setenv("OMP_NUM_THREADS", "4,2", 1);
    tap_ok(!cli_env_threads(64, &t) && t == 4, "OMP_NUM_THREADS=4,2 (nested): 4");
    setenv("OMP_NUM_THREADS", "zero", 1);
    tap_ok(cli_env_threads(64, &t) != NULL, "OMP_NUM_THREADS=zero refused");
    setenv("OMP_NUM_THREADS", "0", 1);
    tap_ok(cli_env_threads(64, &t) != NULL, "OMP_NUM_THREADS=0 refused");
    return tap_done();
}
