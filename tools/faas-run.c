/*
 * faas-run: the local host for Nightcore function libraries.
 *
 *   faas-run [--ipc] [--input STR | --input-file PATH] [--repeat N]
 *            [--threads T] [--thread-per-run] [--bench [--json]]
 *            --func NAME=LIB.so ... ENTRY
 *
 * Loads every LIB.so (a path: a name without a slash is the file in the
 * current directory, never a search), calls ENTRY's faas_func_call on the
 * input and writes ENTRY's output to stdout byte for byte; it writes no
 * file (--input-file is only read). The callbacks handed to workers
 * follow shared/nightcore-contract.md:
 *  - invoke sets the output to NULL/0 first, and returns -1 for an unknown
 *    name, a callee that fails (its output is dropped) or an output above
 *    INT32_MAX bytes; an empty output comes back as NULL/0;
 *  - an invoke's output stays valid until the caller's faas_func_call
 *    returns, across any number of later invokes, and is freed then;
 *  - a running worker is never entered again: every function has a pool of
 *    workers, and a nested call to a busy function gets another worker.
 *
 * In-process mode (the default) runs everything in one process: an invoke
 * is a lookup and a direct call. --ipc runs every worker in a process of its
 * own, as Nightcore's C launcher does; the host routes every request and
 * reply, as Nightcore's engine does, over pipes, with payloads above 960
 * bytes in shared memory (a memfd that host and worker both map).
 *
 * Each --threads thread runs a session: its own pools, hence its own workers
 * (and with --ipc its own worker processes). --thread-per-run makes every
 * run of a session (and the creation of its first ENTRY worker) start a
 * thread of its own and wait for it, so a worker is made on one thread and
 * called on others that start after that one has exited, and destroyed on
 * yet another: Nightcore's launcher promises no thread affinity.
 *
 * Exit status: 0 success, 2 usage or loading error, 3 the function failed or
 * runs disagreed; each error is one line on stderr. Anything a function
 * prints on stdout goes to stderr, so stdout carries ENTRY's output only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#include <bsd/sys/queue.h>
#include <bsd/unistd.h>

#include "faas/worker_v1_interface.h"

enum { EXIT_USAGE = 2, EXIT_FAILED = 3 };

#define USAGE                                                                  \
  "usage: faas-run [--ipc] [--input STR | --input-file PATH] [--repeat N]\n"   \
  "                [--threads T] [--thread-per-run] [--bench [--json]]\n"     \
  "                --func NAME=LIB.so ... ENTRY\n"                             \
  "\n"                                                                         \
  "Runs ENTRY's faas_func_call on the input; writes its output to stdout.\n"   \
  "  --func NAME=LIB.so  a Nightcore function library, called NAME "           \
  "([0-9A-Za-z]+);\n"                                                          \
  "                      LIB.so is a path: libfoo.so is ./libfoo.so\n"         \
  "  --ipc               every worker in its own process, as in Nightcore\n"   \
  "  --input STR         the input (default: empty)\n"                         \
  "  --input-file PATH   the input, read from PATH (- for stdin)\n"            \
  "  --repeat N          run N times; all runs must give the same output\n"    \
  "  --threads T         run in T threads, each with its own workers\n"        \
  "  --thread-per-run    every run on a new thread (in one process only)\n"    \
  "  --bench             print latency percentiles and calls/s instead\n"      \
  "  --json              with --bench: as one JSON object\n"                   \
  "Exit status: 0 success, 2 usage or loading error, 3 the function failed.\n"

/* ------------------------------------------------------------------------ */
/* Buffers                                                                   */

/* An output being collected. Nightcore's lengths are int32, so the total
 * stays at most INT32_MAX bytes: past that, or out of memory, `failed` is
 * set and the call fails. */
struct buf {
  char *data;
  size_t len, cap;
  bool failed;
};

static void buf_append(struct buf *b, const char *data, size_t n) {
  if (b->failed || n == 0)
    return;
  /* Checked before reading data: an over-long claim is never dereferenced. */
  if (data == NULL || n > (size_t)INT32_MAX - b->len) {
    b->failed = true;
    return;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    if (cap < b->len + n)
      cap = b->len + n;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
      b->failed = true;
      return;
    }
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, n);
  b->len += n;
}

static void buf_free(struct buf *b) {
  free(b->data);
  *b = (struct buf){0};
}

/* Outputs handed to a worker's invokes (heap blocks). They live until that
 * worker's faas_func_call returns. */
struct held_list {
  char **v;
  size_t n, cap;
};

static int hold(struct held_list *h, char *data) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 8;
    char **v = reallocarray(h->v, cap, sizeof *v);
    if (v == NULL)
      return -1;
    h->v = v;
    h->cap = cap;
  }
  h->v[h->n++] = data;
  return 0;
}

static void release_held(struct held_list *h) {
  for (size_t i = 0; i < h->n; i++)
    free(h->v[i]);
  h->n = 0;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Functions, options, workers, sessions                                     */

struct func {
  char *name, *path, *spec; /* spec: "NAME=LIB.so", passed on to workers */
  void *dl;
  int (*init)(void);
  int (*create)(void *, faas_invoke_func_fn_t, faas_append_output_fn_t,
                void **);
  int (*destroy)(void *);
  int (*call)(void *, const char *, size_t);
  bool init_failed; /* in-process: its faas_init failed, so invokes fail */
};

static struct func *funcs; /* sorted by name, so that lookups can bsearch */
static size_t nfuncs;

static struct {
  bool ipc, bench, json, thread_per_run;
  const char *input;
  size_t input_len;
  struct buf input_file;
  long repeat, threads;
  struct func *entry;
  long worker; /* hidden --worker K: be the process of funcs[K] */
  char exe[PATH_MAX];
  int out_fd; /* the real stdout */
} opt = {.worker = -1, .out_fd = -1};

struct session;

struct worker {
  SLIST_ENTRY(worker) all_link;
  SLIST_ENTRY(worker) idle_link;
  struct session *s;
  struct func *fn;
  void *handle; /* in-process: the library's worker */
  pid_t pid;    /* --ipc: the worker process */
  struct link { /* --ipc: between host and worker process */
    int rd, wr; /* message pipes */
    int shm;    /* memfd both ends map, for payloads above 960 bytes */
    char *map;
    size_t map_len;
  } link;
  bool dead;
  struct buf out;        /* output of the running call */
  struct held_list held; /* outputs of its invokes, until its call returns */
  char *in;              /* in-process: its copy of an invoke's input */
  size_t in_cap;
};

SLIST_HEAD(worker_list, worker);

struct pool {
  struct worker_list all, idle;
};

struct session {
  pthread_t thread;
  struct pool *pools; /* one per function */
  struct buf result;  /* ENTRY's output */
  uint64_t *lat;      /* --bench: latency of every timed call, ns */
  uint64_t t0, t1;    /* --bench: start and end of the timed calls */
  int status;
  char err[512];
  char unknown[256]; /* the first name a run invoked that no --func gives */
};

static int name_cmp(const void *key, const void *f) {
  return strcmp(key, ((const struct func *)f)->name);
}

static int func_cmp(const void *a, const void *b) {
  return name_cmp(((const struct func *)a)->name, b);
}

static struct func *func_find(const char *name) {
  if (name == NULL)
    return NULL;
  return bsearch(name, funcs, nfuncs, sizeof *funcs, name_cmp);
}

/* Keeps the first unknown name invoked (of n bytes) in dst, printable and
 * at most 255 bytes, for the one-line message of a failed run. */
static void note_unknown(char dst[256], const char *name, size_t n) {
  if (dst[0] != '\0' || name == NULL)
    return;
  if (n > 255)
    n = 255;
  for (size_t i = 0; i < n; i++)
    dst[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
  dst[n] = '\0';
  if (n == 0)
    strcpy(dst, "\"\""); /* the empty name, shown as '""' */
}

static void fail(struct session *s, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
  s->status = status;
}

/* dlopen + dlsym of the four symbols; err gets one line on failure. */
static int load_func(struct func *fn, char *err, size_t errlen) {
  static const char *const names[] = {"faas_init", "faas_create_func_worker",
                                      "faas_destroy_func_worker",
                                      "faas_func_call"};
  void *sym[4];

  /* A path given on the command line is a path: "libfoo.so" is the file in
   * the current directory, not a name for dlopen's library search. */
  char local[PATH_MAX];
  const char *path = fn->path;
  if (strchr(path, '/') == NULL) {
    if ((size_t)snprintf(local, sizeof local, "./%s", path) >= sizeof local) {
      snprintf(err, errlen, "cannot load library for %s: %s: path too long",
               fn->name, fn->path);
      return -1;
    }
    path = local;
  }
  fn->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (fn->dl == NULL) {
    snprintf(err, errlen, "cannot load library for %s: %s", fn->name,
             dlerror());
    return -1;
  }
  for (int i = 0; i < 4; i++) {
    sym[i] = dlsym(fn->dl, names[i]);
    if (sym[i] == NULL) {
      snprintf(err, errlen, "%s (for %s) has no symbol %s", fn->path, fn->name,
               names[i]);
      return -1;
    }
  }
  fn->init = (int (*)(void))sym[0];
  fn->create = (int (*)(void *, faas_invoke_func_fn_t, faas_append_output_fn_t,
                        void **))sym[1];
  fn->destroy = (int (*)(void *))sym[2];
  fn->call = (int (*)(void *, const char *, size_t))sym[3];
  return 0;
}

/* ------------------------------------------------------------------------ */
/* IPC messages                                                              */

/* A message, like Nightcore's: a header and up to 960 inline bytes; a larger
 * payload goes through the link's shared memory. A link carries one message
 * at a time (the worker process is either running a call, and then only it
 * sends, or waiting for the host), so one region per link suffices and a
 * pipe never holds more than one message. */
#define INLINE_MAX 960
enum { MSG_READY = 1, MSG_CALL, MSG_INVOKE, MSG_RESULT };

struct msg {
  uint32_t type;
  int32_t arg;     /* READY, RESULT: 0 or -1; INVOKE: the callee's index */
  uint32_t length; /* payload bytes */
  uint32_t unused;
  char data[INLINE_MAX];
};
#define MSG_HEADER offsetof(struct msg, data)

/* Makes the link's mapping cover len bytes. The sender grows the shared
 * file; the receiver only maps what the sender wrote. */
static int shm_cover(struct link *l, size_t len, bool grow) {
  struct stat st;
  char *p;

  if (len <= l->map_len)
    return 0;
  if (fstat(l->shm, &st) != 0)
    return -1;
  size_t size = (size_t)st.st_size;
  if (size < len) {
    if (!grow)
      return -1;
    size = size * 2 > len ? size * 2 : (len + 0xffff) & ~(size_t)0xffff;
    if (ftruncate(l->shm, (off_t)size) != 0)
      return -1;
  }
  p = l->map != NULL
          ? mremap(l->map, l->map_len, size, MREMAP_MAYMOVE)
          : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, l->shm, 0);
  if (p == MAP_FAILED)
    return -1;
  l->map = p;
  l->map_len = size;
  return 0;
}

/* Sends m with m->length bytes of payload from data. */
static int msg_send(struct link *l, struct msg *m, const char *data) {
  bool big = m->length > INLINE_MAX;
  size_t len = MSG_HEADER + (big ? 0 : m->length);
  ssize_t n;

  if (big && shm_cover(l, m->length, true) != 0)
    return -1;
  char *dst = big ? l->map : m->data;
  if (m->length > 0 && data != dst)
    memcpy(dst, data, m->length);
  /* At most 976 bytes: below PIPE_BUF, so one atomic write. */
  do
    n = write(l->wr, m, len);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)len ? 0 : -1;
}

/* Receives one message and returns its payload: in m, or in the link's
 * shared memory until the link is used again. NULL on EOF (the peer is
 * gone) or a malformed message. */
static const char *msg_recv(struct link *l, struct msg *m) {
  size_t got = 0, want = MSG_HEADER;

  while (got < want) {
    /* The first read takes the whole message in one go. */
    ssize_t n = read(l->rd, (char *)m + got, got ? want - got : sizeof *m);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return NULL;
    got += (size_t)n;
    if (got >= MSG_HEADER && m->length <= INLINE_MAX)
      want = MSG_HEADER + m->length;
  }
  if (got != want || m->length > INT32_MAX)
    return NULL;
  if (m->length <= INLINE_MAX)
    return m->data;
  return shm_cover(l, m->length, false) == 0 ? l->map : NULL;
}

/* ------------------------------------------------------------------------ */
/* Worker pools                                                              */

static int local_invoke(void *ctx, const char *name, const char *input,
                        size_t input_length, const char **output,
                        size_t *output_length);

static void append_output(void *ctx, const char *data, size_t length) {
  buf_append(&((struct worker *)ctx)->out, data, length);
}

static void report_death(const struct worker *w, int st) {
  if (WIFSIGNALED(st))
    fprintf(stderr, "faas-run: worker process %s (pid %d) died: %s\n",
            w->fn->name, (int)w->pid, strsignal(WTERMSIG(st)));
  else
    fprintf(stderr, "faas-run: worker process %s (pid %d) exited with %d\n",
            w->fn->name, (int)w->pid, WEXITSTATUS(st));
}

/* Closes the link and reaps the process; a dead worker is reported. */
static void reap(struct worker *w) {
  int st = 0;
  close(w->link.wr); /* EOF tells a live worker to clean up and exit */
  close(w->link.rd);
  close(w->link.shm);
  if (w->link.map != NULL)
    munmap(w->link.map, w->link.map_len);
  if (w->dead)
    kill(w->pid, SIGKILL);
  while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (w->dead)
    report_death(w, st);
}

/* Starts the process of worker w: fork + exec of faas-run itself in its
 * hidden worker mode, with its link on fds 3 (requests), 4 (replies) and 5
 * (shared memory). Exec makes the child safe to start from any thread and has
 * it load its own library only. Waits for its READY. */
static int spawn_worker(struct worker *w, char *err, size_t errlen) {
  int req[2] = {-1, -1}, rep[2] = {-1, -1};
  int shm = memfd_create("faas-run-link", MFD_CLOEXEC);
  char index[24];
  char **argv = calloc(2 * nfuncs + 4, sizeof *argv);
  pid_t parent = getpid();
  pid_t pid = -1;

  if (argv != NULL && shm >= 0 && pipe2(req, O_CLOEXEC) == 0 &&
      pipe2(rep, O_CLOEXEC) == 0) {
    snprintf(index, sizeof index, "%td", w->fn - funcs);
    argv[0] = "faas-run";
    argv[1] = "--worker";
    argv[2] = index;
    for (size_t i = 0; i < nfuncs; i++) {
      argv[3 + 2 * i] = "--func";
      argv[4 + 2 * i] = funcs[i].spec;
    }
    pid = fork();
  }
  if (pid == 0) {
    /* Only async-signal-safe calls until exec: the host may have threads.
     * The worker dies with the host thread that started it. */
    int ends[3] = {req[0], rep[1], shm};
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    /* Out of the way of 3..5 first, then into place (which clears
     * FD_CLOEXEC). */
    for (int i = 0; i < 3; i++)
      if ((ends[i] = fcntl(ends[i], F_DUPFD_CLOEXEC, 10)) < 0)
        _exit(127);
    for (int i = 0; i < 3; i++)
      if (dup2(ends[i], 3 + i) < 0)
        _exit(127);
    signal(SIGPIPE, SIG_DFL);
    execv(opt.exe, argv);
    _exit(127);
  }
  int saved = errno;
  free(argv);
  close(req[0]);
  close(rep[1]);
  w->link = (struct link){.rd = rep[0], .wr = req[1], .shm = shm};
  if (pid < 0) {
    snprintf(err, errlen, "cannot start a worker process for %s: %s",
             w->fn->name, strerror(saved));
    close(req[1]);
    close(rep[0]);
    close(shm);
    return -1;
  }
  w->pid = pid;

  struct msg m;
  bool got = msg_recv(&w->link, &m) != NULL;
  if (got && m.type == MSG_READY && m.arg == 0)
    return 0;
  bool refused = got && m.type == MSG_READY && m.length <= INLINE_MAX;
  if (refused)
    snprintf(err, errlen, "%.*s", (int)m.length, m.data);
  else
    snprintf(err, errlen, "worker process for %s exited before it was ready",
             w->fn->name);
  w->dead = !refused; /* report a crash, not a refusal */
  reap(w);
  return -1;
}

/* Takes an idle worker of fn, or creates one (a process, with --ipc). */
static struct worker *pool_take(struct session *s, struct func *fn, char *err,
                                size_t errlen) {
  struct pool *p = &s->pools[fn - funcs];
  struct worker *w = SLIST_FIRST(&p->idle);
  int rc;

  if (w != NULL) {
    SLIST_REMOVE_HEAD(&p->idle, idle_link);
    return w;
  }
  w = calloc(1, sizeof *w);
  if (w == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->s = s;
  w->fn = fn;
  if (opt.ipc) {
    rc = spawn_worker(w, err, errlen);
  } else {
    rc = fn->create(w, local_invoke, append_output, &w->handle);
    if (rc != 0)
      snprintf(err, errlen, "faas_create_func_worker of %s returned %d",
               fn->name, rc);
  }
  if (rc != 0) {
    free(w);
    return NULL;
  }
  SLIST_INSERT_HEAD(&p->all, w, all_link);
  return w;
}

static void worker_destroy(struct worker *w) {
  SLIST_REMOVE(&w->s->pools[w->fn - funcs].all, w, worker, all_link);
  if (w->pid > 0)
    reap(w);
  else
    w->fn->destroy(w->handle);
  buf_free(&w->out);
  release_held(&w->held);
  free(w->held.v);
  free(w->in);
  free(w);
}

static void pool_put(struct worker *w) {
  if (w->dead)
    worker_destroy(w);
  else
    SLIST_INSERT_HEAD(&w->s->pools[w->fn - funcs].idle, w, idle_link);
}

/* ------------------------------------------------------------------------ */
/* In-process calls                                                          */

/* Runs one call on w. On success w->out holds the output, for the caller to
 * take; the outputs w received from its own invokes are freed here. */
static int local_call(struct worker *w, const char *input, size_t len) {
  w->out.len = 0;
  w->out.failed = false;
  int rc = w->fn->call(w->handle, input, len);
  release_held(&w->held);
  if (rc != 0 || w->out.failed) {
    buf_free(&w->out);
    return -1;
  }
  return 0;
}

/* As in Nightcore, a call reads its own copy of the input (a request or an
 * invoke's), kept in w: a function that writes its input (strtok) changes
 * neither its caller's buffer nor the next request. NULL when out of memory. */
static const char *copy_input(struct worker *w, const char *input,
                              size_t len) {
  if (len >= w->in_cap) {
    char *in = realloc(w->in, len + 1);
    if (in == NULL)
      return NULL;
    w->in = in;
    w->in_cap = len + 1;
  }
  memcpy(w->in, input, len);
  w->in[len] = '\0'; /* as a text input usually is: callees strtol it */
  return w->in;
}

static int local_invoke(void *ctx, const char *name, const char *input,
                        size_t input_length, const char **output,
                        size_t *output_length) {
  struct worker *caller = ctx;
  struct func *fn = func_find(name);
  struct worker *w;
  char err[256];
  int rc;

  *output = NULL;
  *output_length = 0;
  if (fn == NULL && name != NULL)
    note_unknown(caller->s->unknown, name, strlen(name));
  if (fn == NULL || fn->init_failed || (input == NULL && input_length > 0) ||
      input_length > INT32_MAX)
    return -1;
  w = pool_take(caller->s, fn, err, sizeof err);
  if (w == NULL)
    return -1;
  if (input_length > 0 && (input = copy_input(w, input, input_length)) == NULL) {
    pool_put(w);
    return -1;
  }
  rc = local_call(w, input, input_length);
  if (rc == 0 && w->out.len > 0) {
    /* The output moves to the caller, which frees it when its call ends. */
    if (hold(&caller->held, w->out.data) == 0) {
      *output = w->out.data;
      *output_length = w->out.len;
      w->out = (struct buf){0};
    } else {
      rc = -1;
    }
  }
  buf_free(&w->out);
  pool_put(w);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* --ipc: the host side                                                      */

/* Sends the CALL in m, whose payload is *data, to worker process w, and
 * serves the invokes w makes until its RESULT. That is left in m, with its
 * payload at *data (valid until w's link is used again). A worker that dies
 * or breaks the protocol is marked dead and the call fails. */
static int host_call(struct worker *w, struct msg *m, const char **data) {
  m->type = MSG_CALL;
  if (msg_send(&w->link, m, *data) != 0)
    goto dead;
  for (;;) {
    if ((*data = msg_recv(&w->link, m)) == NULL)
      goto dead;
    if (m->type == MSG_RESULT && m->arg != 0) {
      /* A failed call's payload, if any, is a name it invoked that no
       * --func gives (worker_main). */
      if (m->length > 0)
        note_unknown(w->s->unknown, *data, m->length);
      m->length = 0;
      return -1;
    }
    if (m->type == MSG_RESULT)
      return 0;
    if (m->type != MSG_INVOKE)
      goto dead;

    /* A nested invoke: m becomes the callee's request, then its result. */
    char err[256];
    struct worker *callee = NULL;
    int rc = -1;
    if ((uint32_t)m->arg < nfuncs &&
        (callee = pool_take(w->s, &funcs[m->arg], err, sizeof err)) != NULL)
      rc = host_call(callee, m, data);
    if (rc != 0)
      m->length = 0;
    m->type = MSG_RESULT;
    m->arg = rc;
    int sent = msg_send(&w->link, m, *data);
    if (callee != NULL)
      pool_put(callee); /* after the send: *data may be in its memory */
    if (sent != 0)
      goto dead;
  }
dead:
  w->dead = true;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* --ipc: the worker process                                                 */

/* The first name the running call invoked that no --func gives: sent with
 * a failed RESULT, so the host can say why ENTRY failed. */
static char worker_unknown[256];

static int worker_invoke(void *ctx, const char *name, const char *input,
                         size_t input_length, const char **output,
                         size_t *output_length) {
  struct worker *w = ctx;
  struct func *fn = func_find(name);
  struct msg m = {.type = MSG_INVOKE, .length = (uint32_t)input_length};
  const char *reply;
  char *copy;

  *output = NULL;
  *output_length = 0;
  /* Like Nightcore, an unknown name fails here and sends no message. */
  if (fn == NULL && name != NULL)
    note_unknown(worker_unknown, name, strlen(name));
  if (fn == NULL || (input == NULL && input_length > 0) ||
      input_length > INT32_MAX)
    return -1;
  m.arg = (int32_t)(fn - funcs);
  if (msg_send(&w->link, &m, input) != 0 ||
      (reply = msg_recv(&w->link, &m)) == NULL || m.type != MSG_RESULT ||
      m.arg != 0)
    return -1;
  if (m.length == 0)
    return 0;
  /* A copy, since the link's memory serves the next message. */
  copy = malloc(m.length);
  if (copy == NULL || hold(&w->held, copy) != 0) {
    free(copy);
    return -1;
  }
  memcpy(copy, reply, m.length);
  *output = copy;
  *output_length = m.length;
  return 0;
}

/* The worker process: one worker of one function, serving CALLs from the
 * host until EOF. */
static int worker_main(int argc, char **argv) {
  struct func *fn = &funcs[opt.worker];
  struct worker w = {.fn = fn, .link = {.rd = 3, .wr = 4, .shm = 5}};
  struct msg m = {.type = MSG_READY};
  char err[INLINE_MAX];
  struct stat st;
  int rc;

  if (fstat(3, &st) != 0 || !S_ISFIFO(st.st_mode)) {
    fprintf(stderr, "faas-run: --worker is internal to --ipc\n");
    return EXIT_USAGE;
  }
  /* Programs the function may exec must not hold the link open. */
  for (int fd = 3; fd <= 5; fd++)
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  setproctitle_init(argc, argv, environ);
  setproctitle("-faas-run worker %s", fn->name);
  rc = load_func(fn, err, sizeof err);
  if (rc == 0 && (rc = fn->init()) != 0)
    snprintf(err, sizeof err, "faas_init of %s returned %d", fn->name, rc);
  if (rc == 0 &&
      (rc = fn->create(&w, worker_invoke, append_output, &w.handle)) != 0)
    snprintf(err, sizeof err, "faas_create_func_worker of %s returned %d",
             fn->name, rc);
  if (rc != 0) {
    m.arg = -1;
    m.length = (uint32_t)strlen(err);
    msg_send(&w.link, &m, err);
    return 1;
  }
  if (msg_send(&w.link, &m, NULL) != 0)
    goto out;

  for (;;) {
    const char *input = msg_recv(&w.link, &m);
    char *copy = NULL;
    if (input == NULL || m.type != MSG_CALL)
      break; /* EOF: the host is done, or gone */
    size_t len = m.length;
    if (len > INLINE_MAX) {
      /* The call's own invokes reuse the link's memory: copy the input. */
      if ((copy = malloc(len)) != NULL)
        memcpy(copy, input, len);
      input = copy;
    }
    w.out.len = 0;
    w.out.failed = false;
    worker_unknown[0] = '\0';
    rc = input != NULL ? fn->call(w.handle, input, len) : -1;
    release_held(&w.held);
    free(copy);

    m.type = MSG_RESULT;
    m.arg = rc == 0 && !w.out.failed ? 0 : -1;
    m.length = m.arg == 0 ? (uint32_t)w.out.len : (uint32_t)strlen(worker_unknown);
    int sent = msg_send(&w.link, &m, m.arg == 0 ? w.out.data : worker_unknown);
    if (sent != 0 && m.length > INLINE_MAX) {
      m.arg = -1; /* no shared memory for the output: fail the call */
      m.length = 0;
      sent = msg_send(&w.link, &m, NULL);
    }
    if (w.out.cap > ((size_t)16 << 20))
      buf_free(&w.out); /* keep a buffer of up to 16 MiB between calls */
    if (sent != 0)
      break;
  }
out:
  fn->destroy(w.handle);
  buf_free(&w.out);
  free(w.held.v);
  if (w.link.map != NULL)
    munmap(w.link.map, w.link.map_len);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Sessions: one per thread                                                  */

/* Runs ENTRY once on the input: 0 when its output matches the first run's
 * (or is the first), 1 when it differs, -1 when the call failed. */
static int run_once(struct session *s, bool first, uint64_t *ns) {
  struct worker *w = pool_take(s, opt.entry, s->err, sizeof s->err);
  const char *out;
  size_t len;
  struct msg m;
  int rc;
  uint64_t t = now_ns();

  s->unknown[0] = '\0';
  if (w == NULL)
    return -1;
  if (!opt.ipc) {
    const char *in = opt.input_len > 0
                         ? copy_input(w, opt.input, opt.input_len)
                         : opt.input;
    rc = in != NULL || opt.input_len == 0 ? local_call(w, in, opt.input_len)
                                          : -1;
    out = w->out.data;
    len = w->out.len;
  } else {
    memset(&m, 0, MSG_HEADER);
    m.length = (uint32_t)opt.input_len;
    out = opt.input; /* the request going in, the reply coming back */
    rc = host_call(w, &m, &out);
    len = m.length;
  }
  *ns = now_ns() - t;

  if (rc == 0 && first) {
    buf_append(&s->result, out, len);
    rc = s->result.failed ? -1 : 0;
  } else if (rc == 0 && (len != s->result.len ||
                         (len > 0 && memcmp(out, s->result.data, len) != 0))) {
    rc = 1;
  }
  buf_free(&w->out);
  pool_put(w);
  return rc;
}

/* --bench warms up with as many calls as it times, at most 1000. */
static long warmup_calls(void) {
  return opt.bench ? (opt.repeat < 1000 ? opt.repeat : 1000) : 0;
}

static void session_teardown(struct session *s) {
  for (size_t i = 0; s->pools != NULL && i < nfuncs; i++) {
    struct worker *w;
    while ((w = SLIST_FIRST(&s->pools[i].all)) != NULL)
      worker_destroy(w);
  }
  free(s->pools);
  s->pools = NULL;
}

/* One step of a session: on the session's thread, or with --thread-per-run
 * on a new thread that has exited when run_step returns. */
struct step {
  struct session *s;
  bool first;
  uint64_t ns;
  int rc;
};

static void *take_first(void *arg) {
  struct step *st = arg;
  struct worker *w = pool_take(st->s, opt.entry, st->s->err,
                               sizeof st->s->err);
  if (w != NULL)
    pool_put(w);
  st->rc = w != NULL ? 0 : -1;
  return NULL;
}

static void *run_entry(void *arg) {
  struct step *st = arg;
  st->rc = run_once(st->s, st->first, &st->ns);
  return NULL;
}

/* 0, or -1 when no thread could be started. */
static int run_step(void *(*fn)(void *), struct step *st) {
  pthread_t t;
  if (!opt.thread_per_run) {
    fn(st);
    return 0;
  }
  if (pthread_create(&t, NULL, fn, st) != 0)
    return -1;
  pthread_join(t, NULL);
  return 0;
}

static void *session_run(void *arg) {
  struct session *s = arg;
  long warm = warmup_calls();

  s->pools = calloc(nfuncs, sizeof *s->pools);
  if (s->pools == NULL) {
    fail(s, EXIT_USAGE, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < nfuncs; i++) {
    SLIST_INIT(&s->pools[i].all);
    SLIST_INIT(&s->pools[i].idle);
  }
  /* One worker of the entry up front: if its faas_init or
   * faas_create_func_worker fails, nothing can run, a loading error in both
   * modes. Another function's failure fails only the invokes of it, as a
   * Nightcore function whose workers cannot start does. */
  struct step first = {.s = s};
  if (run_step(take_first, &first) != 0)
    fail(s, EXIT_USAGE, "cannot start a thread");
  else if (first.rc != 0)
    s->status = EXIT_USAGE;
  for (long i = 0; s->status == 0 && i < warm + opt.repeat; i++) {
    struct step run = {.s = s, .first = i == 0};
    if (i == warm)
      s->t0 = now_ns();
    if (run_step(run_entry, &run) != 0) {
      fail(s, EXIT_FAILED, "cannot start a thread");
      break;
    }
    int rc = run.rc;
    uint64_t ns = run.ns;
    if (rc < 0 && s->unknown[0] != '\0')
      fail(s, EXIT_FAILED, "%s failed: it invoked '%s', which no --func gives",
           opt.entry->name, s->unknown);
    else if (rc < 0)
      fail(s, EXIT_FAILED, "%s failed", opt.entry->name);
    else if (rc > 0)
      fail(s, EXIT_FAILED, "runs of %s disagree: run %ld differs from run 1",
           opt.entry->name, i + 1);
    else if (i >= warm && s->lat != NULL)
      s->lat[i - warm] = ns;
  }
  s->t1 = now_ns();
  /* In the thread that spawned the worker processes: they die with it. */
  session_teardown(s);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Command line                                                              */

/* Prints one error line on stderr; returns EXIT_USAGE. */
static int complain(const char *fmt, ...) {
  va_list ap;
  fputs("faas-run: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

static int parse_count(const char *opt_name, const char *s, long min, long max,
                       long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return complain("bad %s '%s': expected a number from %ld to %ld", opt_name,
                    s, min, max);
  *out = v;
  return 0;
}

static int add_func(const char *spec) {
  static const char alnum[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const char *eq = strchr(spec, '=');
  struct func *f = &funcs[nfuncs];

  if (eq == NULL || eq[1] == '\0')
    return complain("bad --func '%s': expected NAME=LIB.so", spec);
  size_t n = (size_t)(eq - spec);
  if (n == 0 || strspn(spec, alnum) < n)
    return complain("bad function name '%.*s': names must match "
                    "[0-9A-Za-z]+",
                    (int)n, spec);
  nfuncs++;
  f->name = strndup(spec, n);
  f->path = strdup(eq + 1);
  f->spec = strdup(spec);
  if (f->name == NULL || f->path == NULL || f->spec == NULL)
    return complain("out of memory");
  return 0;
}

static int read_input_file(const char *path) {
  int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
  char chunk[65536];
  ssize_t n = 0;

  if (fd < 0)
    return complain("cannot read input file '%s': %s", path, strerror(errno));
  while ((n = read(fd, chunk, sizeof chunk)) != 0 && !opt.input_file.failed) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    buf_append(&opt.input_file, chunk, (size_t)n);
  }
  int saved = errno;
  close(fd);
  if (n < 0)
    return complain("cannot read input file '%s': %s", path, strerror(saved));
  if (opt.input_file.failed)
    return complain("input file '%s' is larger than 2 GiB", path);
  opt.input = opt.input_file.data;
  opt.input_len = opt.input_file.len;
  return 0;
}

/* Returns -1 to go on, or the exit status (0 for --help). */
static int parse_args(int argc, char **argv) {
  const char *input = NULL, *input_file = NULL, *entry = NULL;
  bool repeat_set = false;
  int rc = 0;

  opt.repeat = 1;
  opt.threads = 1;
  funcs = calloc((size_t)argc, sizeof *funcs);
  if (funcs == NULL)
    return complain("out of memory");
  for (int i = 1; i < argc && rc == 0; i++) {
    char *a = argv[i];
    if (a[0] != '-' || a[1] == '\0') {
      if (entry != NULL)
        return complain("unexpected argument '%s' after ENTRY '%s'", a, entry);
      entry = a;
      continue;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE, stdout);
      return 0;
    }
    /* "--opt=value" or "--opt value" */
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    const char *val = eq ? eq + 1 : NULL;
#define IS(s) (n == strlen(s) && strncmp(a, s, n) == 0)
    if (IS("--ipc") || IS("--bench") || IS("--json") ||
        IS("--thread-per-run")) {
      if (val != NULL)
        return complain("option %.*s takes no value", (int)n, a);
      *(IS("--ipc")     ? &opt.ipc
        : IS("--bench") ? &opt.bench
        : IS("--json")  ? &opt.json
                        : &opt.thread_per_run) = true;
      continue;
    }
    if (!IS("--input") && !IS("--input-file") && !IS("--repeat") &&
        !IS("--threads") && !IS("--func") && !IS("--worker"))
      return complain("unknown option '%s'", a);
    if (val == NULL && (val = argv[++i]) == NULL)
      return complain("option %s needs a value", a);
    if (IS("--input"))
      input = val;
    else if (IS("--input-file"))
      input_file = val;
    else if (IS("--func"))
      rc = add_func(val);
    else if (IS("--repeat") && (rc = parse_count("--repeat", val, 1, 100000000,
                                                 &opt.repeat)) == 0)
      repeat_set = true;
    else if (IS("--threads"))
      rc = parse_count("--threads", val, 1, 256, &opt.threads);
    else if (IS("--worker"))
      rc = parse_count("--worker", val, 0, LONG_MAX, &opt.worker);
#undef IS
  }
  if (rc != 0)
    return rc;

  qsort(funcs, nfuncs, sizeof *funcs, func_cmp);
  for (size_t i = 1; i < nfuncs; i++)
    if (strcmp(funcs[i - 1].name, funcs[i].name) == 0)
      return complain("duplicate function name '%s'", funcs[i].name);
  if (opt.worker >= 0)
    return (size_t)opt.worker < nfuncs ? -1 : complain("bad --worker");
  if (opt.json && !opt.bench)
    return complain("--json needs --bench");
  /* With --ipc a worker process dies with the thread that spawned it. */
  if (opt.thread_per_run && opt.ipc)
    return complain("--thread-per-run runs in one process: not with --ipc");
  if (input != NULL && input_file != NULL)
    return complain("--input and --input-file exclude each other");
  if (nfuncs == 0)
    return complain("no --func NAME=LIB.so given");
  if (entry == NULL)
    return complain("missing ENTRY, the function to call");
  opt.entry = func_find(entry);
  if (opt.entry == NULL)
    return complain("unknown entry function '%s' (no --func %s=LIB.so)", entry,
                    entry);
  if (opt.bench && !repeat_set)
    opt.repeat = 10000;
  if (input != NULL) {
    opt.input = input;
    opt.input_len = strlen(input);
  }
  if (input_file != NULL && read_input_file(input_file) != 0)
    return EXIT_USAGE;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static int write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return complain("cannot write the output: %s", strerror(errno));
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static int u64_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Latency percentiles (nearest rank) over every timed call of every thread,
 * and the calls per second of all threads together. */
static int print_bench(struct session *ss, uint64_t *lat) {
  size_t n = (size_t)opt.repeat * (size_t)opt.threads;
  uint64_t t0 = ss[0].t0, t1 = ss[0].t1;
  uint64_t p[3];
  static const unsigned q[3] = {50, 90, 99};
  const char *mode = opt.ipc ? "ipc" : "in-process";
  char line[512];
  int len;

  for (long i = 1; i < opt.threads; i++) {
    t0 = ss[i].t0 < t0 ? ss[i].t0 : t0;
    t1 = ss[i].t1 > t1 ? ss[i].t1 : t1;
  }
  qsort(lat, n, sizeof *lat, u64_cmp);
  for (int i = 0; i < 3; i++)
    p[i] = lat[(n * q[i] + 99) / 100 - 1];
  double per_s = t1 > t0 ? (double)n * 1e9 / (double)(t1 - t0) : 0;
  long warm = warmup_calls();
  if (opt.json)
    len = snprintf(line, sizeof line,
                   "{\"entry\":\"%s\",\"mode\":\"%s\",\"threads\":%ld,"
                   "\"calls\":%zu,\"warmup\":%ld,\"p50_ns\":%" PRIu64
                   ",\"p90_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
                   ",\"calls_per_s\":%.0f}\n",
                   opt.entry->name, mode, opt.threads, n, warm, p[0], p[1],
                   p[2], per_s);
  else
    len = snprintf(
        line, sizeof line,
        "%s, %s, %ld thread%s: %zu calls after %ld warm-up calls "
        "per thread\n"
        "latency p50 %" PRIu64 " ns, p90 %" PRIu64 " ns, p99 %" PRIu64 " ns\n"
        "throughput %.0f calls/s\n",
        opt.entry->name, mode, opt.threads, opt.threads == 1 ? "" : "s", n,
        warm, p[0], p[1], p[2], per_s);
  return write_all(opt.out_fd, line, (size_t)len);
}

/* Loads every library; in-process, runs each library's faas_init once. */
static int load_all(void) {
  char err[1024];
  for (size_t i = 0; i < nfuncs; i++)
    if (load_func(&funcs[i], err, sizeof err) != 0)
      return complain("%s", err);
  for (size_t i = 0; i < nfuncs && !opt.ipc; i++) {
    struct func *same = NULL; /* two NAMEs may share a library: init it once */
    for (size_t j = 0; j < i && same == NULL; j++)
      if (funcs[j].dl == funcs[i].dl)
        same = &funcs[j];
    int rc = same != NULL ? (same->init_failed ? -1 : 0) : funcs[i].init();
    /* The entry's failure stops everything; another's fails its invokes. */
    if (rc != 0 && &funcs[i] == opt.entry)
      return complain("faas_init of %s returned %d", funcs[i].name, rc);
    funcs[i].init_failed = rc != 0;
  }
  return 0;
}

/* Runs the sessions, one per thread, and reports as the exit status says. */
static int run_all(void) {
  struct session *ss = calloc((size_t)opt.threads, sizeof *ss);
  uint64_t *lat = NULL;
  int rc = 0;

  if (ss == NULL)
    return complain("out of memory");
  if (opt.bench && (lat = calloc((size_t)opt.repeat * (size_t)opt.threads,
                                 sizeof *lat)) == NULL) {
    free(ss);
    return complain("out of memory");
  }
  for (long i = 0; i < opt.threads; i++)
    ss[i].lat = lat ? lat + i * opt.repeat : NULL;
  if (opt.threads == 1) {
    session_run(&ss[0]);
  } else {
    long started = 0;
    for (; started < opt.threads; started++)
      if (pthread_create(&ss[started].thread, NULL, session_run,
                         &ss[started]) != 0)
        break;
    for (long i = 0; i < started; i++)
      pthread_join(ss[i].thread, NULL);
    if (started < opt.threads)
      fail(&ss[0], EXIT_USAGE, "cannot start thread %ld", started + 1);
  }

  /* A loading error first, then a failed call, then a disagreement. */
  for (int want = EXIT_USAGE; want <= EXIT_FAILED && rc == 0; want++)
    for (long i = 0; i < opt.threads && rc == 0; i++)
      if (ss[i].status == want) {
        complain("%s", ss[i].err);
        rc = want;
      }
  for (long i = 1; i < opt.threads && rc == 0; i++)
    if (ss[i].result.len != ss[0].result.len ||
        (ss[0].result.len > 0 &&
         memcmp(ss[i].result.data, ss[0].result.data, ss[0].result.len))) {
      complain("threads disagree on the output of %s: thread %ld differs "
               "from thread 1",
               opt.entry->name, i + 1);
      rc = EXIT_FAILED;
    }
  if (rc == 0)
    rc = opt.bench ? print_bench(ss, lat)
                   : write_all(opt.out_fd, ss[0].result.data, ss[0].result.len);
  for (long i = 0; i < opt.threads; i++)
    buf_free(&ss[i].result);
  free(ss);
  free(lat);
  return rc;
}

int main(int argc, char **argv) {
  int rc = parse_args(argc, argv);

  if (rc < 0 && opt.worker >= 0) {
    rc = worker_main(argc, argv);
  } else if (rc < 0) {
    ssize_t n = readlink("/proc/self/exe", opt.exe, sizeof opt.exe - 1);
    if (n > 0 && (size_t)n < sizeof opt.exe - 1)
      opt.exe[n] = '\0';
    else
      strlcpy(opt.exe, "/proc/self/exe", sizeof opt.exe);
    /* Every worker process holds three descriptors in the host. */
    struct rlimit rl;
    if (opt.ipc && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* A dead worker process must fail a call, not kill the host. */
    signal(SIGPIPE, SIG_IGN);
    /* Keep stdout for ENTRY's output; what functions print goes to stderr. */
    opt.out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (opt.out_fd >= 0)
      dup2(STDERR_FILENO, STDOUT_FILENO);
    rc = load_all();
    if (rc == 0)
      rc = run_all();
  }

  /* The libraries stay loaded until the process ends: a library may have
   * left code of its own to run at exit with something that outlives it
   * (on_exit, or boost.log's core holding its sinks, in a library that is
   * never unloaded), and unloading it first would make that code jump into
   * unmapped memory. They go with the process (valgrind counts what they
   * hold as still reachable, not as leaked). */
  for (size_t i = 0; i < nfuncs; i++) {
    free(funcs[i].name);
    free(funcs[i].path);
    free(funcs[i].spec);
  }
  free(funcs);
  buf_free(&opt.input_file);
  if (opt.out_fd >= 0)
    close(opt.out_fd);
  return rc;
}
