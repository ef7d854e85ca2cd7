/*
 * bench-driver: times Nightcore function libraries in one process, in a
 * tight loop, several variants interleaved.
 *
 *   bench-driver --input-size N [--batch-ms T] [--reps R] [--heap-shift S]
 *                [--calls N | --threads T]
 *                --variant LABEL ENTRY NAME=LIB.so[,NAME=LIB.so...] ...
 *
 * Why not faas-run --bench: a merged call costs tens of nanoseconds, and
 * faas-run reads the clock twice per call, takes and returns a pooled
 * worker, compares every output with the first and frees its output buffer
 * after every call (so a 1 MiB reply is re-grown by realloc each time).
 * That host work is the same for every variant and hides the difference
 * being measured. This driver is a lean Nightcore-like host instead:
 *  - the entry's output goes into one buffer that is reset, not freed,
 *    before each call (as Nightcore's worker does);
 *  - invoke_func_fn (used only by unmerged variants) looks the name up,
 *    takes an idle worker of that function (or creates one: a busy worker is
 *    never entered again), runs it, and hands its output buffer to the
 *    caller, which frees it when its own call returns (the contract's
 *    lifetime rule); a failed callee's output is dropped;
 *  - the clocks are read once per batch of calls; the results are the
 *    batch's wall time and this thread's CPU time (CLOCK_THREAD_CPUTIME_ID:
 *    on a busy machine it leaves out the time other processes held the
 *    core) divided by its number of calls, and its minor page faults per
 *    call (getrusage), which explain large-payload costs.
 * Each variant is warmed up and its batch size set so a batch takes about
 * --batch-ms (default 20 ms); then for each of --reps repetitions (default
 * 5) every variant runs one batch, in an order rotated per repetition.
 * Before timing, every variant's output for the input is compared with the
 * first variant's: any difference is an error (exit 3).
 *
 * --heap-shift S mallocs S bytes, and keeps them, before the input and the
 * first worker: every block the run allocates then lies S bytes further on.
 * Where a copy's source and destination fall modulo the cache line and the
 * page moves a merged or hand-fused chain by ±10% at 960 B with nothing else
 * changed; bench/run times each repetition at another shift, the same for
 * every variant, so that its medians are over layouts, not of one.
 *
 * --calls N runs exactly N calls of each variant after the check and times
 * nothing: under callgrind, the instructions of N2 calls minus those of N1
 * calls, over N2 - N1, are the instructions of one call, free of set-up.
 * --threads T runs the one variant given on T threads at once, each with
 * its own entry worker (and so its own callee workers): for about --batch-ms
 * after a common start, each thread counts its calls. Output:
 *   {"threads":T,"per_thread":[{"calls":K,"ns_per_call":..,
 *    "cpu_ns_per_call":..}, ...]}
 * Calls per second per thread that drop from 1 thread to 2 mean the threads
 * share something on the call path (a lock, a cache line).
 *
 * Output: one JSON object on stdout,
 *   {"input_size":N,"output_size":M,"reps":R,"variants":[{"label":L,
 *    "batch_calls":K,"median_ns":..,"median_cpu_ns":..,"median_faults":..,
 *    "ns_per_call":[one per repetition],"cpu_ns_per_call":[..],
 *    "faults_per_call":[..]}]}
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "faas/worker_v1_interface.h"

#define MAX_FUNCS 256
#define MAX_VARIANTS 16
#define MAX_REPS 1000

struct variant;

struct fn {
  char name[256];
  void *dl;
  int (*init)(void);
  int (*create)(void *, faas_invoke_func_fn_t, faas_append_output_fn_t, void **);
  int (*destroy)(void *);
  int (*call)(void *, const char *, size_t);
  struct worker *idle;
};

struct worker {
  struct variant *v;
  struct fn *fn;
  void *handle;
  char *out; /* output of the running call */
  size_t len, cap, hint;
  char **held; /* outputs of its invokes, freed when its call returns */
  size_t nheld, capheld;
  struct worker *next;
};

struct variant {
  const char *label;
  struct fn fns[MAX_FUNCS];
  size_t nfns;
  struct fn *entry;
  struct worker *top;
  long batch;
  double ns[MAX_REPS];  /* wall time per call, one per repetition */
  double cpu[MAX_REPS]; /* thread CPU time per call */
  double flt[MAX_REPS]; /* minor page faults per call */
};

static void die(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "bench-driver: ");
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
  exit(2);
}

static uint64_t clock_ns(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
static uint64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
/* This thread's CPU time: what the calls cost while they ran, without the
 * time other processes on a busy machine took the core away. */
static uint64_t cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

static long minor_faults(void) {
  struct rusage u;
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_minflt;
}

static void append(void *ctx, const char *data, size_t n) {
  struct worker *w = ctx;
  if (n == 0)
    return;
  if (n > w->cap - w->len) {
    size_t cap = w->cap ? w->cap : (w->hint > 64 ? w->hint : 64);
    while (cap < w->len + n)
      cap *= 2;
    char *p = realloc(w->out, cap);
    if (p == NULL) {
      fprintf(stderr, "bench-driver: out of memory\n");
      exit(2);
    }
    w->out = p;
    w->cap = cap;
  }
  memcpy(w->out + w->len, data, n);
  w->len += n;
}

static int invoke(void *ctx, const char *name, const char *input, size_t input_length,
                  const char **output, size_t *output_length);

static struct worker *take(struct variant *v, struct fn *f) {
  struct worker *w = f->idle;
  if (w != NULL) {
    f->idle = w->next;
    return w;
  }
  w = calloc(1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->v = v;
  w->fn = f;
  if (f->create(w, invoke, append, &w->handle) != 0) {
    free(w);
    return NULL;
  }
  w->len = 0;
  return w;
}

static void put(struct worker *w) {
  w->next = w->fn->idle;
  w->fn->idle = w;
}

static void release_held(struct worker *w) {
  while (w->nheld > 0)
    free(w->held[--w->nheld]);
}

/* One call on w; its output is then in w->out[0..len). */
static int run(struct worker *w, const char *in, size_t len) {
  w->len = 0;
  int rc = w->fn->call(w->handle, in, len);
  release_held(w);
  return rc;
}

static int invoke(void *ctx, const char *name, const char *input, size_t input_length,
                  const char **output, size_t *output_length) {
  struct worker *caller = ctx;
  struct variant *v = caller->v;
  struct fn *f = NULL;
  *output = NULL;
  *output_length = 0;
  for (size_t i = 0; i < v->nfns; i++)
    if (strcmp(v->fns[i].name, name) == 0) {
      f = &v->fns[i];
      break;
    }
  if (f == NULL)
    return -1;
  struct worker *w = take(v, f);
  if (w == NULL)
    return -1;
  int rc = run(w, input, input_length);
  if (rc == 0 && w->len > 0) {
    if (caller->nheld == caller->capheld) {
      size_t cap = caller->capheld ? caller->capheld * 2 : 8;
      char **h = realloc(caller->held, cap * sizeof *h);
      if (h == NULL) {
        put(w);
        return -1;
      }
      caller->held = h;
      caller->capheld = cap;
    }
    caller->held[caller->nheld++] = w->out;
    *output = w->out;
    *output_length = w->len;
    w->hint = w->len;
    w->out = NULL;
    w->cap = 0;
  }
  w->len = 0;
  put(w);
  return rc == 0 ? 0 : -1;
}

static void load(struct variant *v, const char *specs) {
  char *copy = strdup(specs), *save = NULL;
  for (char *s = strtok_r(copy, ",", &save); s != NULL; s = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(s, '=');
    if (eq == NULL || v->nfns == MAX_FUNCS || (size_t)(eq - s) >= sizeof v->fns[0].name)
      die("bad function spec '%s'%s", s, "");
    struct fn *f = &v->fns[v->nfns++];
    memcpy(f->name, s, (size_t)(eq - s));
    /* A bare file name is a file here, not a name for the loader to search. */
    char path[4096];
    snprintf(path, sizeof path, "%s%s", strchr(eq + 1, '/') ? "" : "./", eq + 1);
    f->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (f->dl == NULL)
      die("%s%s", dlerror(), "");
    f->init = (int (*)(void))dlsym(f->dl, "faas_init");
    f->create = (int (*)(void *, faas_invoke_func_fn_t, faas_append_output_fn_t,
                         void **))dlsym(f->dl, "faas_create_func_worker");
    f->destroy = (int (*)(void *))dlsym(f->dl, "faas_destroy_func_worker");
    f->call = (int (*)(void *, const char *, size_t))dlsym(f->dl, "faas_func_call");
    if (!f->init || !f->create || !f->destroy || !f->call)
      die("%s: not a Nightcore function library%s", eq + 1, "");
    if (f->init() != 0)
      die("faas_init of %s failed%s", eq + 1, "");
  }
  free(copy);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(const double *x, long n) {
  double sorted[MAX_REPS];
  memcpy(sorted, x, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static void print_series(const char *key, const double *x, long n) {
  printf(",\"%s\":[", key);
  for (long r = 0; r < n; r++)
    printf("%s%.3f", r ? "," : "", x[r]);
  printf("]");
}

/* ---- --threads ---------------------------------------------------------- */

/* One per thread, each on cache lines of its own: threads that wrote their
 * results to neighbouring words would share a line, the very cost the
 * section measures. */
struct thread_run {
  _Alignas(64) struct variant *v; /* this thread's own copy: its own worker pools */
  const char *in;
  size_t input_size, want_len;
  double batch_ms;
  pthread_barrier_t *start;
  long calls;
  double ns, cpu; /* per call */
  int bad;
};

static void *thread_main(void *arg) {
  struct thread_run *t = arg;
  struct worker *w = take(t->v, t->v->entry);
  if (w == NULL) {
    t->bad = 1;
    pthread_barrier_wait(t->start);
    return NULL;
  }
  /* Warm-up: workers and buffers made before the clock starts. The loops
   * write only locals: t is written once, after the clock stops. */
  int bad = 0;
  for (int i = 0; i < 1000; i++)
    bad |= run(w, t->in, t->input_size);
  pthread_barrier_wait(t->start);
  uint64_t t0 = now_ns(), c0 = cpu_ns(), end = t0 + (uint64_t)(t->batch_ms * 1e6), t1;
  long n = 0;
  do {
    for (int i = 0; i < 64; i++)
      bad |= run(w, t->in, t->input_size);
    n += 64;
    t1 = now_ns();
  } while (t1 < end);
  uint64_t c1 = cpu_ns();
  t->bad = bad | (w->len != t->want_len);
  t->calls = n;
  t->ns = (double)(t1 - t0) / (double)n;
  t->cpu = (double)(c1 - c0) / (double)n;
  return NULL;
}

static int run_threads(struct variant *v, long nthreads, const char *in, size_t input_size,
                       size_t want_len, double batch_ms) {
  pthread_t tid[64];
  struct thread_run runs[64];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)nthreads);
  for (long k = 0; k < nthreads; k++) {
    struct variant *copy = malloc(sizeof *copy);
    memcpy(copy, v, sizeof *copy);
    for (size_t f = 0; f < copy->nfns; f++)
      copy->fns[f].idle = NULL;
    copy->entry = &copy->fns[v->entry - v->fns];
    runs[k] = (struct thread_run){copy, in, input_size, want_len, batch_ms, &start, 0, 0, 0, 0};
    if (pthread_create(&tid[k], NULL, thread_main, &runs[k]) != 0)
      die("cannot create a thread%s%s", "", "");
  }
  int bad = 0;
  printf("{\"threads\":%ld,\"input_size\":%zu,\"per_thread\":[", nthreads, input_size);
  for (long k = 0; k < nthreads; k++) {
    pthread_join(tid[k], NULL);
    bad |= runs[k].bad;
    printf("%s{\"calls\":%ld,\"ns_per_call\":%.2f,\"cpu_ns_per_call\":%.2f}", k ? "," : "",
           runs[k].calls, runs[k].ns, runs[k].cpu);
  }
  printf("]}\n");
  if (bad) {
    fprintf(stderr, "bench-driver: variant %s failed on a thread\n", v->label);
    return 3;
  }
  return 0;
}

int main(int argc, char **argv) {
  static struct variant vs[MAX_VARIANTS];
  size_t nv = 0, input_size = 16;
  double batch_ms = 20;
  long reps = 5, calls = 0, threads = 0;
  size_t heap_shift = 0;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--input-size") == 0 && i + 1 < argc)
      input_size = strtoull(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--batch-ms") == 0 && i + 1 < argc)
      batch_ms = strtod(argv[++i], NULL);
    else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
      reps = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--calls") == 0 && i + 1 < argc)
      calls = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      threads = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--heap-shift") == 0 && i + 1 < argc)
      heap_shift = strtoull(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--variant") == 0 && i + 3 < argc && nv < MAX_VARIANTS) {
      struct variant *v = &vs[nv++];
      v->label = argv[i + 1];
      load(v, argv[i + 3]);
      for (size_t k = 0; k < v->nfns; k++)
        if (strcmp(v->fns[k].name, argv[i + 2]) == 0)
          v->entry = &v->fns[k];
      if (v->entry == NULL)
        die("variant %s: no function named %s", v->label, argv[i + 2]);
      i += 3;
    } else {
      die("usage: bench-driver --input-size N [--batch-ms T] [--reps R] "
          "[--heap-shift S] [--calls N | --threads T] --variant LABEL ENTRY NAME=LIB.so[,NAME=LIB.so...] ...%s%s", "", "");
    }
  }
  if (nv == 0 || reps < 1 || reps > MAX_REPS || batch_ms <= 0)
    die("nothing to do (give --variant; 1 <= reps <= 1000)%s%s", "", "");
  if (calls < 0 || threads < 0 || threads > 64 || (threads > 0 && (nv != 1 || calls > 0)))
    die("--calls N >= 0; --threads 1..64 takes one --variant and no --calls%s%s", "", "");

  if (heap_shift > ((size_t)1 << 20))
    die("--heap-shift S <= 1 MiB%s%s", "", "");
  /* Kept to the end: freed, the next allocations would take its place. */
  volatile char *shift = heap_shift ? malloc(heap_shift) : NULL;
  if (heap_shift && shift == NULL)
    die("out of memory%s%s", "", "");
  char *in = malloc(input_size ? input_size : 1);
  for (size_t i = 0; i < input_size; i++)
    in[i] = (char)('a' + i % 26);

  /* Correctness first: every variant's output equals the first's. */
  char *ref = NULL;
  size_t ref_len = 0;
  for (size_t k = 0; k < nv; k++) {
    struct variant *v = &vs[k];
    if ((v->top = take(v, v->entry)) == NULL)
      die("variant %s: creating a worker of the entry failed%s", v->label, "");
    if (run(v->top, in, input_size) != 0)
      die("variant %s: the entry failed%s", v->label, "");
    if (k == 0) {
      ref_len = v->top->len;
      ref = malloc(ref_len + 1);
      memcpy(ref, v->top->out, ref_len);
    } else if (v->top->len != ref_len || memcmp(v->top->out, ref, ref_len) != 0) {
      fprintf(stderr, "bench-driver: variant %s: output differs from %s's\n", v->label,
              vs[0].label);
      return 3;
    }
  }

  if (calls > 0) {
    for (size_t k = 0; k < nv; k++)
      for (long i = 0; i < calls; i++)
        if (run(vs[k].top, in, input_size) != 0 || vs[k].top->len != ref_len)
          die("variant %s: the entry failed%s", vs[k].label, "");
    printf("{\"calls\":%ld,\"output_size\":%zu}\n", calls, ref_len);
    return 0;
  }
  if (threads > 0)
    return run_threads(&vs[0], threads, in, input_size, ref_len, batch_ms);

  /* Warm-up and batch size: about batch_ms of calls per batch (CPU time,
   * so that a preemption during warm-up does not shrink the batch). */
  for (size_t k = 0; k < nv; k++) {
    struct variant *v = &vs[k];
    long n = 0;
    uint64_t t0 = cpu_ns(), t;
    do {
      if (run(v->top, in, input_size) != 0)
        die("variant %s: the entry failed%s", v->label, "");
      n++;
      t = cpu_ns();
    } while (t - t0 < (uint64_t)(batch_ms * 0.5e6) || n < 3);
    double per = (double)(t - t0) / (double)n;
    v->batch = (long)(batch_ms * 1e6 / per);
    if (v->batch < 3)
      v->batch = 3;
  }

  for (long r = 0; r < reps; r++)
    for (size_t j = 0; j < nv; j++) {
      struct variant *v = &vs[(j + (size_t)r) % nv];
      struct worker *w = v->top;
      int bad = 0;
      long f0 = minor_faults();
      uint64_t c0 = cpu_ns(), t0 = now_ns();
      for (long i = 0; i < v->batch; i++)
        bad |= run(w, in, input_size);
      uint64_t t1 = now_ns(), c1 = cpu_ns();
      long f1 = minor_faults();
      if (bad || w->len != ref_len)
        die("variant %s: the entry failed while timed%s", v->label, "");
      v->ns[r] = (double)(t1 - t0) / (double)v->batch;
      v->cpu[r] = (double)(c1 - c0) / (double)v->batch;
      v->flt[r] = (double)(f1 - f0) / (double)v->batch;
    }

  printf("{\"input_size\":%zu,\"output_size\":%zu,\"reps\":%ld,\"variants\":[", input_size,
         ref_len, reps);
  for (size_t k = 0; k < nv; k++) {
    struct variant *v = &vs[k];
    printf("%s{\"label\":\"%s\",\"batch_calls\":%ld,\"median_ns\":%.2f,"
           "\"median_cpu_ns\":%.2f,\"median_faults\":%.3f",
           k ? "," : "", v->label, v->batch, median(v->ns, reps), median(v->cpu, reps),
           median(v->flt, reps));
    print_series("ns_per_call", v->ns, reps);
    print_series("cpu_ns_per_call", v->cpu, reps);
    print_series("faults_per_call", v->flt, reps);
    printf("}");
  }
  printf("]}\n");
  free((char *)shift);
  return 0;
}
