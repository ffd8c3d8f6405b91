/* ompenv.c - OMP_NUM_THREADS checked before the OpenMP runtime reads it, so a bad value is said once, by the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * libgomp reads OMP_NUM_THREADS in its constructor, before main, and prints its own
 * "libgomp: Invalid value for environment variable OMP_NUM_THREADS" (with a blank line)
 * for a value it cannot use: with the program's own refusal that made three lines.  The
 * main executable's .preinit_array runs before any shared library's constructor, so here
 * the value is judged by the programs' own rule (cli_threads_value) first:
 *   - empty: the programs' default; removed, so libgomp sees it unset too;
 *   - refused by the rule: hidden from the libraries' constructors and put back before main,
 *     where the program refuses it in one line (exit 2, naming the value);
 *   - accepted but not in libgomp's plain-digits form (1e3, +4, 4.0): replaced by the digits
 *     the program will use, so that the runtime and the program agree.
 * The C library is not set up yet (no getenv): only envp, and nothing that allocates.
 */

/// The refused "OMP_NUM_THREADS=..." entry, until main.  volatile: a compiler may otherwise
/// evaluate ompenv_restore at build time from the initial NULL (clang does, assuming nothing
/// runs before constructors) and drop it.
static char *volatile hidden;
static char canonical[64];    ///< "OMP_NUM_THREADS=<digits><nested levels>" for libgomp

/// The "OMP_NUM_THREADS=..." slot of envp, or NULL.
static char **find_entry(char **envp)
{
    for (char **e = envp; e && *e; e++)
        if (!strncmp(*e, "OMP_NUM_THREADS=", 16))
            return e;
    return NULL;
}

/// Write "OMP_NUM_THREADS=" n and value's nested levels (",2,1") into canonical; 0, or -1 if
/// they do not fit (then the entry stays as it is).
static int make_canonical(int n, const char *value)
{
    char digits[16];
    int len = 0;
    do
        digits[len++] = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    const char *rest = strchr(value, ',');
    const size_t rlen = rest ? strlen(rest) : 0;
    if (16 + (size_t)len + rlen >= sizeof canonical)
        return -1;
    memcpy(canonical, "OMP_NUM_THREADS=", 16);
    for (int i = 0; i < len; i++)
        canonical[16 + i] = digits[len - 1 - i];
    memcpy(canonical + 16 + len, rest ? rest : "", rlen + 1);
    return 0;
}

/// Before every constructor: judge OMP_NUM_THREADS as described above.
static void ompenv_judge(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    char **slot = find_entry(envp);
    if (!slot)
        return;
    const char *value = *slot + 16, *first = value + strspn(value, " \t");
    const size_t digits = strspn(first, "0123456789");
    const char after = first[digits + strspn(first + digits, " \t")];
    int n;
    const char *why = cli_threads_value(value, CLI_MAX_THREADS, &n);
    if (!*value || why) {                      /* take it out of envp: shift the rest down */
        if (*value)
            hidden = *slot;
        for (char **e = slot; *e; e++)
            e[0] = e[1];
    } else if (after != '\0' && after != ',' && !make_canonical(n, value)) {
        *slot = canonical;                     /* 1e3: libgomp reads "1000" */
    }
}

/// After the libraries' constructors, before main: the refused value back, for the program.
__attribute__((constructor)) static void ompenv_restore(void)
{
    static const char fail[] = "cannot restore OMP_NUM_THREADS in the environment\n";
    if (hidden && putenv(hidden) != 0) {
        (void)!write(2, fail, sizeof fail - 1);
        _exit(1);
    }
}

/// The hook: the dynamic linker calls the main program's preinit functions first.
__attribute__((section(".preinit_array"), used)) static void (*const ompenv_hook)(int, char **,
                                                                                   char **) =
    ompenv_judge;
