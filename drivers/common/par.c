/* par.c - MPI wrappers: start-up and agreement, the collective failure path, exact reductions, gathers, timing, hosts. */
#include "par.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"

static int started;              ///< 1 once MPI_Init_thread succeeded here
static int thread_level = MPI_THREAD_FUNNELED; ///< what par_init asks MPI for
static MPI_Datatype u128_type;   ///< two uint64 words holding one fx_u128
static MPI_Op u128_sum_op;       ///< wrapping 128-bit addition

int par_launch_rank(void)
{
    static const char *vars[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                 "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return atoi(v);
    }
    return 0;
}

int par_launch_size(void)
{
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"};
    int size = 1;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && atoi(v) > size)
            size = atoi(v);
    }
    return size;
}

uint64_t par_hash_args(int argc, char **argv)
{
    uint64_t h = HASH_START;
    for (int i = 0; i < argc; i++)
        h = hash_bytes(h, argv[i], strlen(argv[i]) + 1);
    return h;
}

/// The lowest rank `from` (> 0) sends its line to rank 0, into out (len bytes, NUL-ended);
/// both sides send and receive PAR_LINE bytes whatever program they are, so two different
/// programs of one MPMD launch still meet.
static void line_to_root(int from, const char *line, char *out, size_t len)
{
    char buf[PAR_LINE] = "";
    const int rank = par_rank();
    if (rank == from) {
        snprintf(buf, sizeof buf, "%s", line ? line : "");
        MPI_Send(buf, PAR_LINE, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
    } else if (rank == 0) {
        MPI_Recv(buf, PAR_LINE, MPI_CHAR, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        buf[PAR_LINE - 1] = '\0';
        if (out && len)
            snprintf(out, len, "%s", buf);
    }
}

/// Worst status over the ranks (one MPI_MAX of status << 32 | ~rank), on every rank, with the
/// lowest rank that has it into *from; words 1 and 2 of extra[3] are reduced alongside.
static int worst_status(int status, int *from, uint64_t extra[3])
{
    const int rank = par_rank();
    extra[0] = status ? (uint64_t)(unsigned)status << 32 | (UINT32_MAX - (uint32_t)rank) : 0;
    MPI_Allreduce(MPI_IN_PLACE, extra, 3, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    *from = extra[0] ? (int)(UINT32_MAX - (uint32_t)extra[0]) : 0;
    return (int)(extra[0] >> 32);
}

int par_agree(int verdict, uint64_t signature, char *msg, size_t len, int *same)
{
    uint64_t v[3] = {0, signature, ~signature};
    int from;
    const int worst = worst_status(verdict, &from, v);
    *same = v[1] == ~v[2];              /* max of h and of ~h: the range of the signatures */
    if (worst == 2 && from > 0)         /* the lowest erring rank's line goes to rank 0 */
        line_to_root(from, msg, msg, len);
    return worst;
}

int par_fail(int status, const char *line)
{
    uint64_t v[3] = {0, 0, 0};
    char out[PAR_LINE] = "";
    int from;
    const int worst = worst_status(status, &from, v);
    if (!worst)
        return 0;
    if (from > 0)
        line_to_root(from, line, out, sizeof out);
    else if (par_rank() == 0 && line)
        snprintf(out, sizeof out, "%s", line);
    if (par_rank() == 0 && out[0])
        fprintf(stderr, "%s\n", out);
    return worst;
}

int par_same_program(const char *prog, int said)
{
    /* the program: prog's first word, as 8 big-endian bytes (max and min name two of them)
     * and as a hash (longer names); four words, the same size in every program */
    const size_t len = strcspn(prog, " ");
    uint64_t name = 0, v[4], r[4];
    for (size_t i = 0; i < len && i < 8; i++)
        name |= (uint64_t)(unsigned char)prog[i] << (56 - 8 * i);
    v[0] = name;
    v[1] = ~name;
    v[2] = hash_bytes(HASH_START, prog, len);
    v[3] = ~v[2];
    MPI_Allreduce(v, r, 4, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (r[0] == ~r[1] && r[2] == ~r[3])
        return 0;
    if (par_rank() == 0 && !said) {
        char lo[9] = "", hi[9] = "";
        for (int i = 0; i < 8; i++) {
            lo[i] = (char)(~r[1] >> (56 - 8 * i));
            hi[i] = (char)(r[0] >> (56 - 8 * i));
        }
        fprintf(stderr, "%s: the launch runs different programs (%s and %s: an MPMD launch "
                        "with ':'?): every rank must run the same program\n", prog, lo, hi);
    }
    par_barrier();                   /* the message is out before any process exits */
    return 2;
}

int par_start(int *argc, char ***argv, uint64_t args_hash, int verdict, const char *prog)
{
    if (verdict && par_launch_size() <= 1)
        return verdict;
    if (par_init(argc, argv)) {
        par_finalize();
        return 1;
    }
    if (par_same_program(prog, verdict == 2)) {
        par_finalize();
        return 2;
    }
    /* the agreement after the handshake, the same in every program (workshop too) */
    int same;
    const int worst = par_agree(verdict, args_hash, NULL, 0, &same);
    const int rc = same ? worst : 2;
    if (rc == 2 && par_rank() == 0 && verdict != 2)    /* not said yet (1: help shown) */
        fprintf(stderr, same ? "%s: another rank refused its settings (its environment differs "
                               "from rank 0's?)\n"
                             : "%s: the ranks were started with different arguments (an MPMD "
                               "launch with ':'?): every rank must run the same command\n",
                prog);
    return rc ? par_end(rc) : 0;
}

static void u128_sum(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    for (int i = 0; i < *len; i++) {
        fx_u128 a, b;
        memcpy(&a, (char *)in + i * sizeof a, sizeof a);
        memcpy(&b, (char *)inout + i * sizeof b, sizeof b);
        b += a;
        memcpy((char *)inout + i * sizeof b, &b, sizeof b);
    }
}

/// Give stdout a real buffer again: MPICH's MPI_Init_thread calls setbuf(stdout, NULL), and an
/// unbuffered stream loses a failed write's errno (ENOSPC reads as EIO at the final flush).
/// glibc keeps the 1-byte buffer when setvbuf gets NULL, so the buffer is given explicitly.
static void stdout_rebuffer(void)
{
    static char buf[1 << 20];   ///< the reports, held until the program's final flush

    fflush(stdout);   /* a failure stays in ferror(stdout), seen by the program's final check */
    setvbuf(stdout, buf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof buf);
}

/// Rank 0 takes standard input from the FIFO slurm/mpilaunch names in MPILAUNCH_STDIN (under
/// Hydra, whose own stdin forwarding aborts a job that reads slowly); the FIFO is unlinked once
/// open, so nothing is left whatever happens next.  0, or 1 when it cannot be opened.
static int stdin_from_launch(void)
{
    const char *fifo = getenv("MPILAUNCH_STDIN");
    int fd;

    if (!fifo || !*fifo || par_rank() != 0)
        return 0;
    fd = open(fifo, O_RDONLY | O_CLOEXEC);   /* blocks until mpilaunch's writer is there */
    if (fd < 0) {
        fprintf(stderr, "cannot open standard input relayed by mpilaunch (%s): %s\n", fifo,
                strerror(errno));
        return 1;
    }
    unlink(fifo);
    if (dup2(fd, STDIN_FILENO) < 0) {
        fprintf(stderr, "cannot take standard input from %s: %s\n", fifo, strerror(errno));
        close(fd);
        return 1;
    }
    close(fd);
    return 0;
}

int par_init(int *argc, char ***argv)
{
    int provided;

    /* Open MPI 4.1's OMPIO opens a shared-file-pointer component on every MPI_File_open.
     * 'lockedfile' builds a lock file name from the path in a fixed buffer and aborts on
     * paths of about 245 characters, and leaves that lock file beside the output when a rank
     * is killed.  No program here uses shared file pointers: leave it out (then 'sm' serves
     * one node, 'individual' several), unless the user chose otherwise. */
    setenv("OMPI_MCA_sharedfp", "^lockedfile", 0);
    if (MPI_Init_thread(argc, argv, thread_level, &provided) != MPI_SUCCESS)
        return 1;
    started = 1;
    stdout_rebuffer();
    int no_stdin = stdin_from_launch();
    MPI_Allreduce(MPI_IN_PLACE, &no_stdin, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (no_stdin)
        return 1;                    /* every rank alike: rank 0 said why */
    MPI_Type_contiguous(2, MPI_UINT64_T, &u128_type);
    MPI_Type_commit(&u128_type);
    MPI_Op_create(u128_sum, 1, &u128_sum_op);
    if (provided < thread_level) {
        if (par_rank() == 0)
            fprintf(stderr, "pi: the MPI library does not support threads "
                            "(MPI_THREAD_FUNNELED)\n");
        return 1;
    }
    return 0;
}

int par_end(int status)
{
    par_barrier();                   /* every message is out before any process exits */
    par_finalize();
    return status;
}

void par_finalize(void)
{
    if (!started)
        return;
    MPI_Op_free(&u128_sum_op);
    MPI_Type_free(&u128_type);
    MPI_Finalize();
    started = 0;
}

int par_rank(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int par_size(void)
{
    int s;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

int par_hosts(void)
{
    MPI_Comm node;
    int node_rank, leaders, one;

    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &node_rank);
    one = node_rank == 0;
    MPI_Allreduce(&one, &leaders, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Comm_free(&node);
    return leaders;
}

fx_u128 par_sum_u128(fx_u128 local)
{
    fx_u128 total;
    MPI_Allreduce(&local, &total, 1, u128_type, u128_sum_op, MPI_COMM_WORLD);
    return total;
}

uint64_t par_sum_u64(uint64_t local)
{
    uint64_t total;
    MPI_Allreduce(&local, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return total;
}

/// One 64-bit signed value reduced with op over all ranks, on every rank.
static int64_t reduce_i64(int64_t local, MPI_Op op)
{
    int64_t r;
    MPI_Allreduce(&local, &r, 1, MPI_INT64_T, op, MPI_COMM_WORLD);
    return r;
}

int64_t par_min_i64(int64_t local)
{
    return reduce_i64(local, MPI_MIN);
}

int64_t par_sum_i64(int64_t local)
{
    return reduce_i64(local, MPI_SUM);
}

void par_sum_u64_array(uint64_t *v, int n)
{
    MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
}

void par_max_i64_array(int64_t *v, int n)
{
    MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
}

int par_gatherv_u64(const uint64_t *mine, size_t n, uint64_t **all, size_t **start)
{
    const int rank = par_rank(), size = par_size();
    int count = (int)n, *counts = NULL, *displs = NULL, bad = 0;
    *all = NULL;
    *start = NULL;
    if (rank == 0) {
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
        *start = calloc((size_t)size + 1, sizeof **start);
        bad = !counts || !displs || !*start;
    }
    if (par_bcast_int(bad))
        goto out;
    MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        for (int r = 0; r < size; r++) {
            displs[r] = (int)(*start)[r];
            (*start)[r + 1] = (*start)[r] + (size_t)counts[r];
        }
        *all = malloc(((*start)[size] ? (*start)[size] : 1) * sizeof **all);
        bad = !*all;
    }
    if (par_bcast_int(bad))
        goto out;
    MPI_Gatherv(mine, count, MPI_UINT64_T, *all, counts, displs, MPI_UINT64_T, 0,
                MPI_COMM_WORLD);
out:
    if (bad) {
        free(*all);
        free(*start);
        *all = NULL;
        *start = NULL;
    }
    free(counts);
    free(displs);
    return bad;
}

/// Wait for N requests one by one: MPICH's mpi.h annotates MPI_Waitall's statuses with their
/// count, so gcc 12 warns (-Wstringop-overflow) on MPI_STATUSES_IGNORE.
static void wait_each(int n, MPI_Request *req)
{
    for (int i = 0; i < n; i++)
        MPI_Wait(&req[i], MPI_STATUS_IGNORE);
}

void par_exchange_words(const par_words_msg *sends, int ns, par_words_msg *recvs, int nr)
{
    /* per message: a header of the n signed word counts (tag 4t), then each array's words
       (tags 4t+1..4t+3, below the 32767 every MPI allows) */
    MPI_Request *req = malloc(((size_t)4 * ns + 3 * (size_t)nr + 1) * sizeof *req);
    int nq = 0;
    if (!req)
        abort();    /* a few bytes a message */
    for (int i = 0; i < ns; i++) {
        const par_words_msg *m = &sends[i];
        MPI_Isend(m->len, m->n, MPI_INT64_T, m->peer, 4 * m->tag, MPI_COMM_WORLD, &req[nq++]);
        for (int k = 0; k < m->n; k++)
            MPI_Isend(m->words[k], (int)(m->len[k] < 0 ? -m->len[k] : m->len[k]), MPI_UINT64_T,
                      m->peer, 4 * m->tag + 1 + k, MPI_COMM_WORLD, &req[nq++]);
    }
    const int nsend = nq;
    for (int i = 0; i < nr; i++) {
        par_words_msg *m = &recvs[i];
        MPI_Recv(m->len, m->n, MPI_INT64_T, m->peer, 4 * m->tag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        for (int k = 0; k < m->n; k++) {
            const int64_t len = m->len[k] < 0 ? -m->len[k] : m->len[k];
            uint64_t *d = m->place(m->ctx, k, len);
            MPI_Irecv(d, (int)len, MPI_UINT64_T, m->peer, 4 * m->tag + 1 + k, MPI_COMM_WORLD,
                      &req[nq++]);
        }
    }
    wait_each(nq - nsend, req + nsend);
    wait_each(nsend, req);
    free(req);
}

void par_gather(const void *mine, size_t len, void *all)
{
    MPI_Gather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
}

void par_bcast_text(char *buf, size_t len)
{
    MPI_Bcast(buf, (int)len, MPI_CHAR, 0, MPI_COMM_WORLD);
}

void par_host_name(char *buf, size_t len)
{
    int n;
    char name[MPI_MAX_PROCESSOR_NAME];
    MPI_Get_processor_name(name, &n);
    snprintf(buf, len, "%s", name);
}

int par_bcast_int(int v)
{
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return v;
}

void par_minmax_int(int local, int *min, int *max)
{
    int v[2] = {-local, local}, r[2];
    MPI_Allreduce(v, r, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    *min = -r[0];
    *max = r[1];
}

double par_max_double(double local)
{
    double m;
    MPI_Allreduce(&local, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return m;
}

void par_barrier(void)
{
    MPI_Barrier(MPI_COMM_WORLD);
}

double par_wtime(void)
{
    return MPI_Wtime();
}

void par_library_version(char *buf, size_t len)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int n;

    MPI_Get_library_version(v, &n);
    v[strcspn(v, "\n,")] = '\0';      /* first line, first clause */
    /* one space between words, no "Version:" label: "Open MPI v4.1.4", "MPICH 4.0.2" */
    size_t o = 0;
    char *save = NULL;
    for (char *w = strtok_r(v, " \t\r", &save); w && o + 1 < len; w = strtok_r(NULL, " \t\r", &save))
        if (strcmp(w, "Version:") != 0)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "", w);
    if (len && o == 0)
        buf[0] = '\0';
}

int par_init_single(int *argc, char ***argv)
{
    thread_level = MPI_THREAD_SINGLE;
    return par_init(argc, argv);
}

int par_host_cpus(const uint64_t mask[AFFINITY_CPU_WORDS])
{
    MPI_Comm node;
    uint64_t all[AFFINITY_CPU_WORDS];
    int node_rank, mine = 0, total;

    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &node_rank);
    MPI_Allreduce(mask, all, AFFINITY_CPU_WORDS, MPI_UINT64_T, MPI_BOR, node);
    MPI_Comm_free(&node);
    for (int w = 0; w < AFFINITY_CPU_WORDS && node_rank == 0; w++)
        mine += __builtin_popcountll(all[w]);
    MPI_Allreduce(&mine, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    return total;
}
