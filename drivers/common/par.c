/* par.c - MPI wrappers: init/finalize, exact integer reductions, timing, layout facts. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "par.h"

#include <sched.h>

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    uint64_t h = 14695981039346656037u;
    for (int i = 0; i < argc; i++)
        for (const char *p = argv[i];; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211u;
            if (!*p)
                break;
        }
    return h;
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
    v[2] = 14695981039346656037u;
    for (size_t i = 0; i < len; i++)
        v[2] = (v[2] ^ (unsigned char)prog[i]) * 1099511628211u;
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
    /* one collective after the handshake: max of h and of ~h gives max and min h */
    uint64_t v[3] = {args_hash, ~args_hash, (uint64_t)verdict}, r[3];
    MPI_Allreduce(v, r, 3, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    const int same = r[0] == ~r[1];
    const int rc = same ? (int)r[2] : 2;
    if (rc == 2 && par_rank() == 0 && verdict != 2)    /* not said yet (1: help shown) */
        fprintf(stderr, same ? "%s: another rank refused its settings (its environment differs "
                               "from rank 0's?)\n"
                             : "%s: the ranks were started with different arguments (an MPMD "
                               "launch with ':'?): every rank must run the same command\n",
                prog);
    if (rc) {
        par_barrier();               /* the message is out before any process exits */
        par_finalize();
    }
    return rc;
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

void par_sum_mpz_root(mpz_t x)
{
    const int rank = par_rank(), size = par_size();
    size_t count = 0;
    /* export as little-endian 64-bit words; rank 0 gathers and adds */
    uint64_t *mine = mpz_export(NULL, &count, -1, sizeof(uint64_t), 0, 0, x);
    int n = (int)count, *counts = NULL, *displs = NULL;
    uint64_t *all = NULL;
    if (rank == 0) {
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
    }
    MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        size_t total = 0;
        for (int r = 0; r < size; r++) {
            displs[r] = (int)total;
            total += (size_t)counts[r];
        }
        all = malloc((total ? total : 1) * sizeof *all);
    }
    MPI_Gatherv(mine, n, MPI_UINT64_T, all, counts, displs, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        mpz_t t;
        mpz_init(t);
        mpz_set_ui(x, 0);
        for (int r = 0; r < size; r++) {
            mpz_import(t, (size_t)counts[r], -1, sizeof(uint64_t), 0, 0, all + displs[r]);
            mpz_add(x, x, t);
        }
        mpz_clear(t);
    }
    free(mine);
    free(all);
    free(counts);
    free(displs);
}

/// Wait for N requests one by one: MPICH's mpi.h annotates MPI_Waitall's statuses with their
/// count, so gcc 12 warns (-Wstringop-overflow) on MPI_STATUSES_IGNORE.
static void wait_each(int n, MPI_Request *req)
{
    for (int i = 0; i < n; i++)
        MPI_Wait(&req[i], MPI_STATUS_IGNORE);
}

_Static_assert(sizeof(mp_limb_t) == sizeof(uint64_t), "GMP limbs travel as MPI_UINT64_T");

void par_exchange_mpz(const par_mpz_msg *sends, int ns, par_mpz_msg *recvs, int nr)
{
    /* per message: a header of the n signed limb counts (tag 4t), then each integer's limbs
       (tags 4t+1..4t+3, below the 32767 every MPI allows) */
    MPI_Request *req = malloc(((size_t)4 * ns + 3 * (size_t)nr + 1) * sizeof *req);
    int64_t(*hs)[3] = malloc(((size_t)ns + nr + 1) * sizeof *hs), (*hr)[3] = hs + ns;
    int nq = 0;
    if (!req || !hs)
        abort();    /* a few bytes a message */
    for (int i = 0; i < ns; i++) {
        const par_mpz_msg *m = &sends[i];
        for (int k = 0; k < m->n; k++)
            hs[i][k] = mpz_sgn(m->v[k]) * (int64_t)mpz_size(m->v[k]);
        MPI_Isend(hs[i], m->n, MPI_INT64_T, m->peer, 4 * m->tag, MPI_COMM_WORLD, &req[nq++]);
        for (int k = 0; k < m->n; k++)
            MPI_Isend(mpz_limbs_read(m->v[k]), (int)mpz_size(m->v[k]), MPI_UINT64_T, m->peer,
                      4 * m->tag + 1 + k, MPI_COMM_WORLD, &req[nq++]);
    }
    const int nsend = nq;
    for (int i = 0; i < nr; i++) {
        par_mpz_msg *m = &recvs[i];
        MPI_Recv(hr[i], m->n, MPI_INT64_T, m->peer, 4 * m->tag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        for (int k = 0; k < m->n; k++) {
            const int64_t sz = hr[i][k], len = sz < 0 ? -sz : sz;
            mp_limb_t *d = mpz_limbs_write(m->v[k], len ? (mp_size_t)len : 1);
            MPI_Irecv(d, (int)len, MPI_UINT64_T, m->peer, 4 * m->tag + 1 + k, MPI_COMM_WORLD,
                      &req[nq++]);
        }
    }
    wait_each(nq - nsend, req + nsend);
    for (int i = 0; i < nr; i++)
        for (int k = 0; k < recvs[i].n; k++)
            mpz_limbs_finish(recvs[i].v[k], (mp_size_t)hr[i][k]);
    wait_each(nsend, req);
    free(req);
    free(hs);
}

void par_gather_text(const char *mine, size_t len, char *all)
{
    MPI_Gather(mine, (int)len, MPI_CHAR, all, (int)len, MPI_CHAR, 0, MPI_COMM_WORLD);
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

void par_affinity_list(char *buf, size_t len)
{
    cpu_set_t set;
    size_t used = 0;
    buf[0] = '\0';
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        snprintf(buf, len, "?");
        return;
    }
    for (int c = 0; c < CPU_SETSIZE && used < len; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        int e = c;
        while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
            e++;
        used += (size_t)snprintf(buf + used, len - used, used ? ",%d" : "%d", c);
        if (e > c && used < len)
            used += (size_t)snprintf(buf + used, len - used, "-%d", e);
        c = e;
    }
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

int par_affinity_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return -1;
    return CPU_COUNT(&set);
}

int par_online_cpus(void)
{
    return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int par_init_single(int *argc, char ***argv)
{
    thread_level = MPI_THREAD_SINGLE;
    return par_init(argc, argv);
}

int par_host_cpus(const uint64_t mask[PAR_CPU_WORDS])
{
    MPI_Comm node;
    uint64_t all[PAR_CPU_WORDS];
    int node_rank, mine = 0, total;

    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &node_rank);
    MPI_Allreduce(mask, all, PAR_CPU_WORDS, MPI_UINT64_T, MPI_BOR, node);
    MPI_Comm_free(&node);
    for (int w = 0; w < PAR_CPU_WORDS && node_rank == 0; w++)
        mine += __builtin_popcountll(all[w]);
    MPI_Allreduce(&mine, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    return total;
}
