/* shared.c - `workshop shared`: Value, Array and Manager as an MPI window on rank 0. */
#include <stdio.h>
#include <stdlib.h>

#include "lessons.h"
#include "msg.h"
#include "par.h"
#include "workshop.h"

/* The window on rank 0: the Value (one double) at byte 0, the Array (int64) after it. */
enum { ARRAY_AT = 8 };

static const double PI_VALUE = 3.141592653589793;   /* the double nearest pi */

static void usage(void)
{
    printf("usage: workshop shared [--length N] [--json]\n"
           "\n"
           "Value, Array and Manager: rank 0 exposes an array of N integers and one double\n"
           "in an MPI window (allocated by MPI).  Every rank writes its slice i = 0..N-1\n"
           "(block split) with an MPI put; then the last rank reverses the whole array in\n"
           "place under an exclusive lock (get, reverse, put: the Manager list's\n"
           "l.reverse()), and rank 0 prints it; the last rank writes pi into the double and\n"
           "every rank reads it back with an MPI get.  Exit 1 unless the array is exactly\n"
           "0..N-1 reversed and every rank read pi.\n"
           "\n"
           "  --length N    array length, 1 to 1000000 (default 10, as range(10))\n"
           "  --json        one JSON object: written, reversed, value, values_read, check\n"
           "\n"
           "examples:\n"
           "  mpirun -np 2 workshop shared\n"
           "  mpirun -np 4 workshop shared --length 1000 --json\n");
}

static void defaults(ws_opts *o)
{
    o->length = 10;
}

static int option(ws_ctx *x, ws_opts *o, int opt, const char *arg)
{
    (void)opt;
    return ws_count(x, "--length", arg, 1, 1000000, &o->length);
}

/// Rank 0's copy of the whole array, read through the window.
static void read_array(msg_win *w, int64_t *a, int64_t n)
{
    msg_win_lock(w, 0);
    msg_get(w, a, (size_t)n * 8, ARRAY_AT);
    msg_win_unlock(w);
}

/// The lesson's steps; a (n elements, every rank) is scratch, rank 0 keeps written/reversed.
static void steps(const ws_ctx *x, int64_t n, msg_win *w, int64_t *a, int64_t *written,
                  int64_t *reversed, double *read)
{
    const int last = x->ranks - 1;
    const int64_t lo = n * x->rank / x->ranks, hi = n * (x->rank + 1) / x->ranks;
    for (int64_t i = lo; i < hi; i++)            /* Array: every rank its slice */
        a[i - lo] = i;
    msg_win_lock(w, 0);
    msg_put(w, a, (size_t)(hi - lo) * 8, ARRAY_AT + (size_t)lo * 8);
    msg_win_unlock(w);
    par_barrier();
    if (x->rank == 0)
        read_array(w, written, n);
    par_barrier();
    if (x->rank == last) {                       /* Manager: one rank reverses in place */
        msg_win_lock(w, 1);
        msg_get(w, a, (size_t)n * 8, ARRAY_AT);
        lesson_reverse(a, (size_t)n);
        msg_put(w, a, (size_t)n * 8, ARRAY_AT);
        msg_win_unlock(w);
        msg_win_lock(w, 1);                      /* Value: one rank writes, all read */
        msg_put(w, &PI_VALUE, sizeof PI_VALUE, 0);
        msg_win_unlock(w);
    }
    par_barrier();
    if (x->rank == 0)
        read_array(w, reversed, n);
    msg_win_lock(w, 0);
    msg_get(w, read, sizeof *read, 0);
    msg_win_unlock(w);
}

static void report(const ws_ctx *x, const ws_opts *o, const int64_t *written,
                   const int64_t *reversed, const double *reads, int pass)
{
    const int64_t n = o->length;
    const int last = x->ranks - 1;
    if (o->json) {
        json_out j;
        ws_json_begin(&j, x);
        json_int(&j, "ranks", x->ranks);
        json_int(&j, "length", n);
        const int64_t *lists[] = {written, reversed};
        const char *names[] = {"written", "reversed"};
        for (int l = 0; l < 2; l++) {
            json_begin_array(&j, names[l]);
            for (int64_t i = 0; i < n; i++)
                json_elem_int(&j, lists[l][i]);
            json_end_array(&j);
        }
        json_int(&j, "reverser", last);
        json_num(&j, "value", PI_VALUE);
        json_int(&j, "value_writer", last);
        json_begin_array(&j, "values_read");
        for (int r = 0; r < x->ranks; r++)
            json_elem_num(&j, reads[r]);
        json_end_array(&j);
        json_str(&j, "check", pass ? "pass" : "fail");
        ws_json_end(&j);
        return;
    }
    printf("shared: rank 0 exposes %lld integers and one double in an MPI window; %d rank%s\n",
           (long long)n, x->ranks, x->ranks == 1 ? "" : "s");
    printf("array after every rank's MPI put of its slice:  ");
    ws_print_list(written, n, 20);
    printf("\narray after rank %d reversed it in place:        ", last);
    ws_print_list(reversed, n, 20);
    int agree = 0;
    for (int r = 0; r < x->ranks; r++)
        agree += reads[r] == PI_VALUE;
    printf("\nvalue: rank %d wrote %.17g; %d of %d rank%s read it back\n", last, PI_VALUE, agree,
           x->ranks, x->ranks == 1 ? "" : "s");
    printf("check: %s (0..%lld written, reversed exactly, pi read by every rank)\n",
           pass ? "pass" : "FAIL", (long long)n - 1);
}

static int run(const ws_ctx *x, const ws_opts *o)
{
    const int64_t n = o->length;
    int64_t *a = malloc((size_t)n * 8), *written = NULL, *reversed = NULL;
    double read = 0, *reads = NULL;
    if (x->printer) {
        written = malloc((size_t)n * 8);
        reversed = malloc((size_t)n * 8);
        reads = malloc((size_t)x->ranks * sizeof *reads);
    }
    msg_win *w = NULL;
    int bad = !a || (x->printer && (!written || !reversed || !reads));
    if (!par_sum_u64((uint64_t)bad) && !(w = msg_win_create(ARRAY_AT + (size_t)n * 8)))
        bad = 1;
    if (par_sum_u64((uint64_t)bad)) {
        free(a), free(written), free(reversed), free(reads);
        return ws_verdict(x, 0, "out of memory");
    }
    steps(x, n, w, a, written, reversed, &read);
    par_gather(&read, sizeof read, reads);
    msg_win_free(w);
    int pass = 1;
    if (x->printer) {
        for (int64_t i = 0; i < n; i++)
            pass &= written[i] == i && reversed[i] == n - 1 - i;
        for (int r = 0; r < x->ranks; r++)
            pass &= reads[r] == PI_VALUE;
        report(x, o, written, reversed, reads, pass);
    }
    free(a), free(written), free(reversed), free(reads);
    return ws_verdict(x, pass, "the shared array or value is not what the ranks wrote");
}

static const struct option longopts[] = {{"length", required_argument, 0, 'n'},
                                         WS_COMMON_LONGOPTS};

const ws_lesson ws_shared = {
    .name = "shared",
    .summary = "Value, Array and Manager: one-sided MPI put/get on a window on rank 0",
    .longopts = longopts,
    .defaults = defaults,
    .usage = usage,
    .option = option,
    .run = run,
};
