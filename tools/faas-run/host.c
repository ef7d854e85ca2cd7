/*
 * faas-run's host: the functions and their libraries, the workers, and the
 * sessions that call ENTRY. The callbacks handed to workers follow
 * shared/nightcore-contract.md:
 *  - invoke sets the output to NULL/0 first, and returns -1 for an unknown
 *    name, a callee that fails (its output is dropped) or an output above
 *    INT32_MAX bytes; an empty output comes back as NULL/0;
 *  - an invoke's output stays valid until the caller's faas_func_call
 *    returns, across any number of later invokes, and is freed then;
 *  - a running worker is never entered again: every function has a pool of
 *    workers, and a nested call to a busy function gets another worker.
 *
 * In-process mode (the default) runs everything in one process: an invoke
 * is a lookup and a direct call (local_invoke). With --ipc a pool's workers
 * are processes (ipc.c), and so is every call.
 *
 * Each --threads thread runs a session: its own pools, hence its own workers
 * (and with --ipc its own worker processes). --thread-per-run makes every
 * run of a session (and the creation of its first ENTRY worker) start a
 * thread of its own and wait for it, so a worker is made on one thread and
 * called on others that start after that one has exited, and destroyed on
 * yet another: Nightcore's launcher promises no thread affinity.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faas_run.h"

/* ------------------------------------------------------------------------ */
/* Buffers                                                                   */

void buf_append(struct buf *b, const char *data, size_t n) {
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

void buf_free(struct buf *b) {
  free(b->data);
  *b = (struct buf){0};
}

int hold(struct held_list *h, char *data) {
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

void release_held(struct held_list *h) {
  for (size_t i = 0; i < h->n; i++)
    free(h->v[i]);
  h->n = 0;
}

uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Functions                                                                 */

struct func *funcs;
size_t nfuncs;

static int name_cmp(const void *key, const void *f) {
  return strcmp(key, ((const struct func *)f)->name);
}

int func_cmp(const void *a, const void *b) {
  return name_cmp(((const struct func *)a)->name, b);
}

struct func *func_find(const char *name) {
  if (name == NULL)
    return NULL;
  return bsearch(name, funcs, nfuncs, sizeof *funcs, name_cmp);
}

/* Keeps the first unknown name invoked (of n bytes) in dst, printable and
 * at most 255 bytes, for the one-line message of a failed run. */
void note_unknown(char dst[256], const char *name, size_t n) {
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

/* dlopen + dlsym of the four symbols; err gets one line on failure. */
int load_func(struct func *fn, char *err, size_t errlen) {
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

/* Loads every library; in-process, runs each library's faas_init once. */
int load_all(void) {
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

/* ------------------------------------------------------------------------ */
/* Worker pools                                                              */

SLIST_HEAD(worker_list, worker);

struct pool {
  struct worker_list all, idle;
};

static int local_invoke(void *ctx, const char *name, const char *input,
                        size_t input_length, const char **output,
                        size_t *output_length);

/* Every worker's append_output_fn, in-process and in a worker process: ctx
 * is the worker, and the bytes go to the output of its running call. */
void append_output(void *ctx, const char *data, size_t length) {
  buf_append(&((struct worker *)ctx)->out, data, length);
}

/* Takes an idle worker of fn, or creates one (a process, with --ipc). */
struct worker *pool_take(struct session *s, struct func *fn, char *err,
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
    rc = spawn_worker_process(w, err, errlen);
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
    reap_worker_process(w);
  else
    w->fn->destroy(w->handle);
  buf_free(&w->out);
  release_held(&w->held);
  free(w->held.v);
  free(w->in);
  free(w);
}

void pool_put(struct worker *w) {
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

/* The invoke_func_fn of in-process workers (ctx: the calling worker): a
 * lookup, and a direct call on an idle worker of the callee. */
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
      input_length > INT32_MAX ||
      (w = pool_take(caller->s, fn, err, sizeof err)) == NULL) {
    profile_count(caller->s, caller->fn, name, name ? strlen(name) : 0, false,
                  0, false, 0);
    return -1;
  }
  if (input_length > 0 && (input = copy_input(w, input, input_length)) == NULL) {
    pool_put(w);
    profile_count(caller->s, caller->fn, name, strlen(name), false, 0, false,
                  0);
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
  profile_count(caller->s, caller->fn, name, strlen(name), true, input_length,
                rc == 0, *output_length);
  buf_free(&w->out);
  pool_put(w);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Sessions: one per thread                                                  */

/* Takes a request's output: the first run keeps it (and with --requests a
 * newline after it) in s->result, from *off on; a later run compares it
 * with what the first kept there. 0, 1 when it differs, -1 out of memory. */
static int take_output(struct session *s, bool first, size_t *off,
                       const char *out, size_t len) {
  size_t nl = opt.requests ? 1 : 0;
  if (first) {
    buf_append(&s->result, out, len);
    buf_append(&s->result, "\n", nl);
    *off += len + nl;
    return s->result.failed ? -1 : 0;
  }
  bool same = s->result.len - *off >= len + nl &&
              (len == 0 || memcmp(s->result.data + *off, out, len) == 0) &&
              (nl == 0 || s->result.data[*off + len] == '\n');
  *off += len + nl;
  return same ? 0 : 1;
}

/* Runs ENTRY once on every request, in order: 0 when its outputs match the
 * first run's (or it is the first), 1 when they differ, -1 when a call
 * failed; s->request says which request (from 0). */
static int run_once(struct session *s, bool first, uint64_t *ns) {
  size_t off = 0;
  uint64_t t = now_ns();
  int rc = 0;

  for (size_t r = 0; r < opt.nreqs && rc == 0; r++) {
    const struct request *req = &opt.reqs[r];
    struct worker *w = pool_take(s, opt.entry, s->err, sizeof s->err);
    const char *out;
    size_t len;

    s->unknown[0] = '\0';
    s->request = r;
    s->requests++;
    if (w == NULL) {
      profile_count(s, NULL, opt.entry->name, strlen(opt.entry->name), false,
                    0, false, 0);
      return -1;
    }
    if (!opt.ipc) {
      const char *in =
          req->len > 0 ? copy_input(w, req->data, req->len) : req->data;
      rc = in != NULL || req->len == 0 ? local_call(w, in, req->len) : -1;
      out = w->out.data;
      len = w->out.len;
    } else {
      rc = ipc_request(w, req->data, req->len, &out, &len);
    }
    profile_count(s, NULL, opt.entry->name, strlen(opt.entry->name), true,
                  req->len, rc == 0, rc == 0 ? len : 0);
    if (rc == 0)
      rc = take_output(s, first, &off, out, len);
    buf_free(&w->out);
    pool_put(w);
  }
  if (rc == 0 && !first && off != s->result.len)
    rc = 1; /* shorter than the first run's */
  *ns = now_ns() - t;
  return rc;
}

/* Fails session s with status and a one-line message, which cli.c prints. */
void fail(struct session *s, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
  s->status = status;
}

/* --bench warms up with as many calls as it times, at most 1000. */
long warmup_calls(void) {
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

void *session_run(void *arg) {
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
    /* With --requests, which request (its line). */
    char which[48] = "";
    if (opt.requests)
      snprintf(which, sizeof which, " on request %zu", s->request + 1);
    if (rc < 0 && app_function_not_deployed(s->unknown))
      fail(s, EXIT_FAILED, "%s failed%s: it invoked '%s', which is not "
           "deployed in %s", opt.entry->name, which, s->unknown,
           opt.deployment);
    else if (rc < 0 && s->unknown[0] != '\0' && opt.app_path != NULL)
      fail(s, EXIT_FAILED, "%s failed%s: it invoked '%s', which is not a "
           "function of %s", opt.entry->name, which, s->unknown, opt.app_path);
    else if (rc < 0 && s->unknown[0] != '\0')
      fail(s, EXIT_FAILED, "%s failed%s: it invoked '%s', which no --func "
           "gives", opt.entry->name, which, s->unknown);
    else if (rc < 0)
      fail(s, EXIT_FAILED, "%s failed%s", opt.entry->name, which);
    else if (rc > 0)
      fail(s, EXIT_FAILED, "runs of %s disagree: run %ld differs from run 1%s",
           opt.entry->name, i + 1, which);
    else if (i >= warm && s->lat != NULL)
      s->lat[i - warm] = ns;
  }
  s->t1 = now_ns();
  /* In the thread that spawned the worker processes: they die with it. */
  session_teardown(s);
  return NULL;
}

