/*
 * faas-run --ipc: every worker in a process of its own, as Nightcore's C
 * launcher runs them; the host routes every request and reply, as
 * Nightcore's engine does. This file is the whole protocol: the messages,
 * the host's end (spawning, calling and reaping a worker process) and the
 * worker process's end (worker_process_main).
 *
 * A worker process is faas-run itself, exec'd with the hidden option
 * --worker K and every --func of the host in the same order, so that its
 * funcs are the host's and the index K, or a callee's index in an INVOKE,
 * means the same function at both ends. Its link to the host is fd 3 (a
 * pipe from the host), fd 4 (a pipe to the host) and fd 5 (a memfd that both
 * ends map, for payloads above 960 bytes). A conversation:
 *
 *   worker -> host  READY 0 when its faas_init and faas_create_func_worker
 *                   succeeded; READY -1 with the error line as payload when
 *                   not, and the process exits.
 *   host -> worker  CALL with the input.
 *   worker -> host  INVOKE with a callee's index and its input, for every
 *                   invoke the call makes; the host runs it on a worker
 *                   process of the callee (a CALL there, recursively) and
 *   host -> worker  RESULT 0 with the callee's output, or RESULT -1 empty.
 *   worker -> host  RESULT 0 with the call's output, or RESULT -1 with the
 *                   first name it invoked that no --func gives, if any.
 *   host            closes the pipes: at EOF the worker process destroys
 *                   its worker and exits.
 *
 * An invoke of an unknown name fails in the worker process and sends
 * nothing, as in Nightcore. Under --profile, the worker process is started
 * with --profile-misses and tells the host of every invoke it fails on its
 * own, so that the host can count it:
 *
 *   worker -> host  MISS with the name invoked (arg 1: a NULL name)
 *   host -> worker  RESULT 0, empty: counted; the invoke then fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "faas_run.h"

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */

/* A message, like Nightcore's: a header and up to 960 inline bytes; a larger
 * payload goes through the link's shared memory. A link carries one message
 * at a time (the worker process is either running a call, and then only it
 * sends, or waiting for the host), so one region per link suffices and a
 * pipe never holds more than one message. */
#define INLINE_MAX 960
enum { MSG_READY = 1, MSG_CALL, MSG_INVOKE, MSG_RESULT, MSG_MISS };

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
/* The host's end                                                            */

static void report_death(const struct worker *w, int st) {
  if (WIFSIGNALED(st))
    fprintf(stderr, "faas-run: worker process %s (pid %d) died: %s\n",
            w->fn->name, (int)w->pid, strsignal(WTERMSIG(st)));
  else
    fprintf(stderr, "faas-run: worker process %s (pid %d) exited with %d\n",
            w->fn->name, (int)w->pid, WEXITSTATUS(st));
}

/* Closes the link and reaps the process; a dead worker is reported. */
void reap_worker_process(struct worker *w) {
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
int spawn_worker_process(struct worker *w, char *err, size_t errlen) {
  int req[2] = {-1, -1}, rep[2] = {-1, -1};
  int shm = memfd_create("faas-run-link", MFD_CLOEXEC);
  char index[24];
  char **argv = calloc(2 * nfuncs + 5, sizeof *argv);
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
    if (opt.profile != NULL)
      argv[3 + 2 * nfuncs] = "--profile-misses";
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
  reap_worker_process(w);
  return -1;
}

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
       * --func gives (worker_process_main). */
      if (m->length > 0)
        note_unknown(w->s->unknown, *data, m->length);
      m->length = 0;
      return -1;
    }
    if (m->type == MSG_RESULT)
      return 0;
    if (m->type == MSG_MISS) {
      /* --profile: an invoke the worker process failed on its own. */
      profile_count(w->s, w->fn, m->arg == 1 ? NULL : *data, m->length, false,
                    0, false, 0);
      *m = (struct msg){.type = MSG_RESULT};
      if (msg_send(&w->link, m, NULL) != 0)
        goto dead;
      continue;
    }
    if (m->type != MSG_INVOKE)
      goto dead;

    /* A nested invoke: m becomes the callee's request, then its result. */
    char err[256];
    struct worker *callee = NULL;
    int rc = -1;
    size_t in_len = m->length;
    uint32_t k = (uint32_t)m->arg; /* m is the callee's result after */
    if (k < nfuncs &&
        (callee = pool_take(w->s, &funcs[k], err, sizeof err)) != NULL)
      rc = host_call(callee, m, data);
    if (rc != 0)
      m->length = 0;
    if (k < nfuncs)
      profile_count(w->s, w->fn, funcs[k].name, strlen(funcs[k].name),
                    callee != NULL, in_len, rc == 0, m->length);
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

/* Runs a request of len bytes from input on worker process w (a session's
 * call of ENTRY): 0 with the reply at *out, *out_len bytes, or -1 when the
 * call failed. The reply stays valid until this thread's next request, or
 * until w's link is used again: it is in a message of this thread's (each
 * session is a thread of its own) or in w's shared memory. */
int ipc_request(struct worker *w, const char *input, size_t len,
                const char **out, size_t *out_len) {
  static _Thread_local struct msg m;

  memset(&m, 0, MSG_HEADER);
  m.length = (uint32_t)len;
  *out = input; /* the request going in, the reply coming back */
  int rc = host_call(w, &m, out);
  *out_len = m.length;
  return rc;
}

/* ------------------------------------------------------------------------ */
/* The worker process's end                                                  */

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
  /* Like Nightcore, an unknown name fails here and sends no message (but
   * a MISS under --profile). */
  if (fn == NULL && name != NULL)
    note_unknown(worker_unknown, name, strlen(name));
  if (fn == NULL || (input == NULL && input_length > 0) ||
      input_length > INT32_MAX) {
    if (opt.profile_misses) {
      size_t n = name != NULL ? strlen(name) : 0;
      m = (struct msg){.type = MSG_MISS, .arg = name == NULL,
                       .length = (uint32_t)(n > INT32_MAX ? INT32_MAX : n)};
      if (msg_send(&w->link, &m, name) == 0)
        msg_recv(&w->link, &m);
    }
    return -1;
  }
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
int worker_process_main(int argc, char **argv) {
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

