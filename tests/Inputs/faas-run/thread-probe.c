/* A function NAME that reports what it sees. -DTHREADS: whether a call runs
 * on a thread other than the one that created its worker, and whether that
 * one has exited (as under faas-run --thread-per-run). -DWORKERS: how many
 * workers of it the process has made so far. -DPEER=NAME: it also invokes
 * PEER and passes PEER's reply on. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
  pid_t creator;
};

static int made;

int faas_init(void) { return 0; }

int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = ctx;
  w->invoke = invoke;
  w->append = append;
  w->creator = gettid();
  __atomic_add_fetch(&made, 1, __ATOMIC_RELAXED);
  *handle = w;
  return 0;
}

int faas_destroy_func_worker(void *handle) {
  free(handle);
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  char line[128];
  int n = 0;
  (void)input;
  (void)len;
  n += snprintf(line + n, sizeof line - (size_t)n, "[%s", NAME);
#ifdef THREADS
  char path[64];
  struct stat st;
  snprintf(path, sizeof path, "/proc/self/task/%d", (int)w->creator);
  /* A joined thread's task leaves /proc shortly after pthread_join returns
   * (the kernel clears its tid first, then reaps it): a creator that has
   * exited is gone within a second. */
  int gone = 0;
  for (int tries = 0; tries < 1000 && !gone && gettid() != w->creator; tries++)
    if (!(gone = stat(path, &st) != 0))
      usleep(1000);
  n += snprintf(line + n, sizeof line - (size_t)n,
                ": other thread %d, creator gone %d", gettid() != w->creator, gone);
#endif
#ifdef WORKERS
  n += snprintf(line + n, sizeof line - (size_t)n, ": workers made %d",
                __atomic_load_n(&made, __ATOMIC_RELAXED));
#endif
  n += snprintf(line + n, sizeof line - (size_t)n, "]");
  w->append(w->ctx, line, (size_t)n);
#ifdef PEER
  const char *out;
  size_t olen;
  if (w->invoke(w->ctx, PEER, "", 0, &out, &olen) != 0)
    return 1;
  w->append(w->ctx, out, olen);
#endif
  return 0;
}
