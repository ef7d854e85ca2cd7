/*
 * What the files of faas-run share. faas-run is three files:
 *  - cli.c:  the command line, main, and what faas-run writes (ENTRY's
 *            output, or --bench's percentiles);
 *  - host.c: the functions and their libraries, the workers and their
 *            pools, the in-process invoke/append contract, and the
 *            sessions that run ENTRY;
 *  - ipc.c:  --ipc: the protocol between the host and its worker
 *            processes, and both of its ends;
 *  - profile.c: --profile: the calls, failures and bytes per edge, and the
 *            JSON file they go to.
 * --app takes the functions from an application manifest
 * (tools/app/manifest.c), or from a deployment's func_config.json
 * (tools/app/func_config.c).
 */
#ifndef FAAS_RUN_H
#define FAAS_RUN_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <bsd/sys/queue.h>

#include "faas/worker_v1_interface.h"

enum { EXIT_USAGE = 2, EXIT_FAILED = 3 };

/* ------------------------------------------------------------------------ */
/* Buffers (host.c)                                                          */

/* An output being collected. Nightcore's lengths are int32, so the total
 * stays at most INT32_MAX bytes: past that, or out of memory, `failed` is
 * set and the call fails. */
struct buf {
  char *data;
  size_t len, cap;
  bool failed;
};

void buf_append(struct buf *b, const char *data, size_t n);
void buf_free(struct buf *b);

/* Outputs handed to a worker's invokes (heap blocks). They live until that
 * worker's faas_func_call returns. */
struct held_list {
  char **v;
  size_t n, cap;
};

int hold(struct held_list *h, char *data);
void release_held(struct held_list *h);

uint64_t now_ns(void);

/* ------------------------------------------------------------------------ */
/* Functions and options                                                     */

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

/* Every --func (host.c), sorted by name, so that lookups can bsearch and a
 * worker process finds a callee by its index. */
extern struct func *funcs;
extern size_t nfuncs;

int func_cmp(const void *a, const void *b);
struct func *func_find(const char *name);
void note_unknown(char dst[256], const char *name, size_t n);
int load_func(struct func *fn, char *err, size_t errlen);
int load_all(void);

/* One request to ENTRY: --input's, --input-file's, or a line of
 * --requests' file. */
struct request {
  const char *data;
  size_t len;
};

/* The command line (cli.c). */
struct options {
  bool ipc, bench, json, thread_per_run;
  const char *input;
  size_t input_len;
  struct buf input_file;
  struct request *reqs; /* what a run sends to ENTRY, in order */
  size_t nreqs;
  bool requests;        /* --requests: each output ends with a newline */
  struct buf requests_file;
  const char *app_path; /* --app: the manifest */
  char *deployment;     /* --app on a deployment: its directory, else NULL */
  char *func_config;    /* ... and its func_config.json */
  char **undeployed;    /* ... and the functions of the app it leaves out */
  size_t nundeployed;
  bool profile_misses;  /* hidden, of an --ipc worker process: report the
                           invokes it fails on its own (ipc.c) */
  const char *profile;  /* --profile FILE */
  long repeat, threads;
  struct func *entry;
  long worker; /* hidden --worker K: be the process of funcs[K] */
  char exe[PATH_MAX];
  int out_fd; /* the real stdout */
};

extern struct options opt;

/* Prints one error line on stderr; returns EXIT_USAGE. */
int complain(const char *fmt, ...);

/* --app on a deployment: name is a function of the app that the deployment
 * does not run (cli.c). */
bool app_function_not_deployed(const char *name);

/* ------------------------------------------------------------------------ */
/* Workers and sessions (host.c)                                             */

struct session;

/* --ipc: one end of the link between host and worker process (ipc.c). */
struct link {
  int rd, wr; /* message pipes */
  int shm;    /* memfd both ends map, for payloads above 960 bytes */
  char *map;
  size_t map_len;
};

struct worker {
  SLIST_ENTRY(worker) all_link;
  SLIST_ENTRY(worker) idle_link;
  struct session *s;
  struct func *fn;
  void *handle; /* in-process: the library's worker */
  pid_t pid;    /* --ipc: the worker process */
  struct link link;
  bool dead;
  struct buf out;        /* output of the running call */
  struct held_list held; /* outputs of its invokes, until its call returns */
  char *in;              /* in-process: its copy of an invoke's input */
  size_t in_cap;
};

struct pool; /* a function's workers in a session (host.c) */

struct edge_tree; /* profile.c */

struct session {
  pthread_t thread;
  struct pool *pools; /* one per function */
  struct buf result;  /* ENTRY's output */
  uint64_t *lat;      /* --bench: latency of every timed call, ns */
  uint64_t t0, t1;    /* --bench: start and end of the timed calls */
  int status;
  char err[512];
  char unknown[256]; /* the first name a run invoked that no --func gives */
  uint64_t requests;       /* requests sent to ENTRY */
  size_t request;          /* the one running, from 0 (opt.reqs) */
  struct edge_tree *edges; /* --profile: this session's counts */
  bool profile_failed;     /* --profile: out of memory while counting */
};

void append_output(void *ctx, const char *data, size_t length);
struct worker *pool_take(struct session *s, struct func *fn, char *err,
                         size_t errlen);
void pool_put(struct worker *w);
void fail(struct session *s, int status, const char *fmt, ...);
long warmup_calls(void);
void *session_run(void *arg);

/* ------------------------------------------------------------------------ */
/* --profile (profile.c)                                                     */

/* Counts one call on the edge caller (NULL: from outside) -> the callee
 * name of callee_len bytes (NULL: a NULL name). ran: the callee was
 * called, input_len bytes in; ok: it succeeded, output_len bytes out. Does
 * nothing without --profile. */
void profile_count(struct session *s, const struct func *caller,
                   const char *callee, size_t callee_len, bool ran,
                   size_t input_len, bool ok, size_t output_len);
void profile_free(struct session *s);
/* --profile's file may be written (before anything runs); the other two are
 * input files that it must not be, or NULL. */
int profile_check_path(const char *input_file, const char *requests_file);
/* Adds up the sessions' counts and writes the file. */
int profile_write(struct session *ss, long nsessions, uint64_t requests);

/* ------------------------------------------------------------------------ */
/* --ipc (ipc.c)                                                             */

int spawn_worker_process(struct worker *w, char *err, size_t errlen);
void reap_worker_process(struct worker *w);
int ipc_request(struct worker *w, const char *input, size_t len,
                const char **out, size_t *out_len);
int worker_process_main(int argc, char **argv);

#endif
