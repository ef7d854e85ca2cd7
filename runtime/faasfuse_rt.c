/*
 * The faasfuse runtime: what merged code calls at run time (API and rules
 * in include/faasfuse/runtime.h, contract in shared/nightcore-contract.md).
 *
 * The pass links this file, as bitcode, into every merged module, so it may
 * need only libc and libpthread, and everything but the API is static.
 *
 * Two kinds of context are handed out as caller_context:
 *   - a ROOT, one per entry worker the host creates: it remembers the host's
 *     caller_context and callbacks, and owns the callee workers, per merged
 *     function (indexed by the descriptor's slot) one first worker and a
 *     pool of others, for calls made while the first is busy (recursion);
 *   - a WORKER context, one per callee worker: it collects that worker's
 *     output and points to the root it serves.
 * Both start with struct rt_ctx, whose magic tells them apart.
 *
 * Outputs are lent, not handed over: a first worker's output stays in its
 * own buffer, lent to the call that received it for as long as that call
 * runs. Every context counts its calls in an epoch, odd while one runs, so
 * "the lender still runs" is one compare, and a call's return releases all
 * it was lent in one increment, without touching them. Only a worker whose
 * buffer is still lent when it is called again (a caller keeping several
 * replies of one callee) moves that buffer to the lender's owned list, and
 * pool workers hand their outputs over the same way.
 *
 * Per-root state is used by one thread at a time (Nightcore never calls one
 * worker concurrently), so it takes no lock. Only once-per-process state
 * (init, slots) is shared. A root and its callee workers live until the
 * host destroys the entry worker, on whichever thread.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faasfuse/runtime.h"

/* Largest output a merged call may return: Nightcore sizes are int32.
 * Overridable so that tests can reach the limit. */
#ifndef FAASFUSE_RT_MAX_OUTPUT
#define FAASFUSE_RT_MAX_OUTPUT ((size_t)INT32_MAX)
#endif

#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)
/* Keeps slow paths out of the inlined fast path of __faasfuse_call. */
#define RT_COLD __attribute__((noinline, cold))
/* The fast path, inlined into every call site even where it is called from
 * a slow path too. */
#define RT_INLINE inline __attribute__((always_inline))

/* Every copy into a byte buffer the runtime owns (an output being built, a
 * callee's copy of its input) goes through rt_copy_out. In the bitcode the
 * pass links it is a call of FAASFUSE_RT_COPY_OUT (runtime.h), which the build
 * (annotate_runtime.c) makes a memcpy known to write no runtime state: once
 * inlined, appends then keep a worker's length and capacity in registers
 * from one to the next instead of reloading them after every copy. */
#ifdef FAASFUSE_RT_MARK_COPIES
void __faasfuse_rt_copy_out(void *restrict dst, const void *restrict src, size_t n);
#define rt_copy_out __faasfuse_rt_copy_out
#else
#define rt_copy_out memcpy
#endif

enum {
  RT_MAGIC_ROOT = 0x746f6f72,   /* "root" */
  RT_MAGIC_WORKER = 0x6b726f77, /* "work" */
};

/* Values of faasfuse_callee_state.init_state. */
enum { RT_INIT_NONE = 0, RT_INIT_OK = 1, RT_INIT_FAILED = 2 };

/* First output buffer of a worker; grown by doubling. */
#define RT_MIN_OUTPUT ((size_t)64)

/* Output buffers are recycled per root, a region that outlives the
 * request: when a caller's call returns, the outputs it held become the next
 * outputs' buffers, up to RT_SPARE_BYTES in all, so a merged call in steady
 * state costs no malloc/free and touches no fresh page, whatever the size of
 * its outputs (an entry that keeps 200 replies of 64 KiB faults their pages
 * once, not every request). What a root keeps is what its busiest request
 * used, at most RT_SPARE_BYTES. Overridable so that tests can reach it. */
#ifndef FAASFUSE_RT_SPARE_BYTES
#define FAASFUSE_RT_SPARE_BYTES ((size_t)32 << 20)
#endif
/* An output that fills less than a quarter of a buffer of at least this
 * size (a spare buffer of a larger output) is handed over in a copy of its
 * size: the caller may hold it long, the worker keeps the large buffer. */
#define RT_SHRINK_MIN ((size_t)256)
/* A callee worker keeps the copy of its input for its next call, as the
 * root keeps outputs, unless it is larger than this: a large input copied
 * anew on every call would fault its pages in every time. */
#define RT_KEEP_INPUT ((size_t)4 << 20)
/* A first worker keeps the buffer of its output up to this size; a larger
 * output is handed over to its caller instead of lent. */
#define RT_KEEP_OUTPUT ((size_t)4 << 20)

/* ---------------------------------------------------------------------- */
/* Contexts                                                                */

struct rt_buf {
  char *p;
  size_t cap;
};

/* Outputs of merged calls that a context received; they stay valid until
 * that context's own call returns, and are released then. */
struct rt_owned {
  struct rt_buf *v;
  size_t n, cap; /* capacity is kept across calls */
};

struct rt_root;

/* What every caller_context the runtime hands out starts with. */
struct rt_ctx {
  uint32_t magic;
  struct rt_root *root; /* the entry worker served; itself for a root */
  uint64_t epoch; /* calls started plus calls ended: odd while one runs */
  struct rt_owned owned;
  /* The first worker this context called last, and its handle: the fast
   * path starts the callee from these and confirms them against the slot
   * only in branches, so that one level's worker does not wait for the
   * root, slot and worker loads of the level above (on a chain of merged
   * calls, those dependent loads were most of a call's time). NULL or a
   * live worker of the same root: rt_discard_worker and rt_drop_workers
   * clear it. */
  struct rt_worker *hot;
  void *hot_handle;
};

/* The lender of no output: its epoch is even, a lent_epoch never is. */
static const struct rt_ctx rt_nobody;

struct rt_worker {
  struct rt_ctx ctx;
  struct faasfuse_callee *callee;
  void *handle; /* from callee->create */
  struct rt_worker *next_idle; /* in its slot's pool while idle */
  struct rt_worker *next_all;  /* in root->all, for destruction */
  char *buf;                   /* output of the running call */
  size_t len, cap;             /* cap never exceeds FAASFUSE_RT_MAX_OUTPUT */
  /* A first worker's buf holds an output lent to the call of lent_to
   * numbered lent_epoch (odd), until that call returns. */
  const struct rt_ctx *lent_to;
  uint64_t lent_epoch;
  int failed; /* output too large or out of memory: the call fails */
  /* The shortest output lent as it stands, SIZE_MAX for none (failed, or
   * buffers over what a worker keeps): one compare on the fast path. Set by
   * rt_lend_policy whenever failed, cap or incap change. */
  size_t lend_min;
  char *in;    /* the copy of the input (FAASFUSE_CALLEE_COPY_INPUT) */
  size_t incap;
};

/* The workers of one merged function, for one root. */
struct rt_slot {
  struct rt_worker *first; /* serves every call made while it is idle */
  struct rt_worker *idle;  /* others, for calls made while it is busy */
};

struct rt_root {
  struct rt_ctx ctx;
  void *inner; /* the entry's own worker handle */
  void *host_ctx;
  faas_invoke_func_fn_t host_invoke;
  faas_append_output_fn_t host_append;
  struct rt_slot *slots; /* slots[slot - 1] */
  size_t nslots;
  struct rt_worker *all; /* every callee worker of this root */
  struct rt_buf *spare; /* released outputs, for reuse; the last first */
  size_t nspare, spare_cap;
  size_t spare_bytes; /* the capacity of spare[0..nspare) */
};

static int rt_is_ctx(const struct rt_ctx *c) {
  return c != NULL && (c->magic == RT_MAGIC_ROOT || c->magic == RT_MAGIC_WORKER);
}

static RT_COLD int rt_owned_grow(struct rt_owned *o) {
  size_t cap = o->cap ? o->cap * 2 : 16;
  struct rt_buf *v = realloc(o->v, cap * sizeof *v);
  if (v == NULL)
    return -1;
  o->v = v;
  o->cap = cap;
  return 0;
}

static inline int rt_owned_add(struct rt_owned *o, char *p, size_t cap) {
  if (RT_UNLIKELY(o->n == o->cap) && rt_owned_grow(o) != 0)
    return -1;
  o->v[o->n].p = p;
  o->v[o->n].cap = cap;
  o->n++;
  return 0;
}

/* A full spare list grows; a buffer it cannot take is freed. */
static RT_COLD void rt_spare_grow(struct rt_root *r, struct rt_buf b) {
  size_t cap = r->spare_cap ? r->spare_cap * 2 : 16;
  struct rt_buf *v = realloc(r->spare, cap * sizeof *v);
  if (v == NULL) {
    free(b.p);
    return;
  }
  r->spare = v;
  r->spare_cap = cap;
  r->spare[r->nspare++] = b;
  r->spare_bytes += b.cap;
}

/* A buffer nobody holds becomes a spare buffer of r, or is freed once r
 * keeps RT_SPARE_BYTES. */
static inline void rt_spare_put(struct rt_root *r, struct rt_buf b) {
  if (RT_UNLIKELY(b.cap > FAASFUSE_RT_SPARE_BYTES - r->spare_bytes))
    free(b.p);
  else if (RT_LIKELY(r->nspare < r->spare_cap)) {
    r->spare[r->nspare++] = b;
    r->spare_bytes += b.cap;
  } else
    rt_spare_grow(r, b);
}

/* The context's call returned: the outputs handed over to it become spare
 * buffers of its root. */
static inline void rt_owned_release(struct rt_ctx *c) {
  while (c->owned.n > 0)
    rt_spare_put(c->root, c->owned.v[--c->owned.n]);
}

/* A first worker's output is lent in its buffer unless the call failed, a
 * buffer is over what a worker keeps (the output is then handed over), or
 * the output fills under a quarter of a buffer of RT_SHRINK_MIN or more
 * (lent in a buffer of its size instead: the caller may hold it long). */
static void rt_lend_policy(struct rt_worker *w) {
  if (w->failed || w->cap > RT_KEEP_OUTPUT || w->incap > RT_KEEP_INPUT)
    w->lend_min = SIZE_MAX;
  else
    w->lend_min = w->cap >= RT_SHRINK_MIN ? w->cap / 4 : 1;
}

/* The last spare buffer, for an output about to be built. */
static inline void rt_take_spare(struct rt_root *r, struct rt_worker *w) {
  struct rt_buf b = r->spare[--r->nspare];
  r->spare_bytes -= b.cap;
  w->buf = b.p;
  w->cap = b.cap;
  rt_lend_policy(w);
}

static void rt_ctx_fini(struct rt_ctx *c) {
  while (c->owned.n > 0)
    free(c->owned.v[--c->owned.n].p);
  free(c->owned.v);
  c->magic = 0; /* a stale pointer then fails the magic check (usually) */
}

/* ---------------------------------------------------------------------- */
/* Exceptions caught at a callee's boundary                                */

/* Set by the pass's exception guards through __faasfuse_caught: the ABI
 * function that just returned -1 threw. Read (and cleared) only after a
 * failure, so the fast path never touches thread-local storage. */
static __thread int rt_threw;

void __faasfuse_caught(void) { rt_threw = 1; }

static int rt_take_threw(void) {
  int t = rt_threw;
  rt_threw = 0;
  return t;
}

/* ---------------------------------------------------------------------- */
/* Once per process: init and slots                                       */

static pthread_mutex_t rt_init_lock = PTHREAD_MUTEX_INITIALIZER;
static int32_t rt_slot_count; /* slots handed out so far (under the lock) */

/* Init functions already run, with their result: a function reached through
 * two descriptors (as the entry and by name) still initialises once. */
struct rt_inited {
  int (*init)(void);
  int result;
  struct rt_inited *next;
};
static struct rt_inited *rt_inited_list;

static int rt_run_init_once(int (*init)(void)) {
  for (struct rt_inited *i = rt_inited_list; i != NULL; i = i->next)
    if (i->init == init)
      return i->result;
  int rc = init();
  struct rt_inited *i = malloc(sizeof *i);
  if (i != NULL) { /* without it, a second descriptor would init again */
    i->init = init;
    i->result = rc;
    i->next = rt_inited_list;
    rt_inited_list = i;
  }
  return rc;
}

/* Runs the descriptor's init once and gives it a slot. Returns the init's
 * result the first time, 0 if it succeeded, -1 if it failed before. */
static RT_COLD int rt_prepare(struct faasfuse_callee *c) {
  pthread_mutex_lock(&rt_init_lock);
  int32_t state = __atomic_load_n(&c->state->init_state, __ATOMIC_RELAXED);
  int rc = state == RT_INIT_OK ? 0 : -1;
  if (state == RT_INIT_NONE) {
    rc = c->init != NULL ? rt_run_init_once(c->init) : 0;
    rt_take_threw(); /* a throw is a failed init, as any other */
    if (c->state->slot == 0)
      __atomic_store_n(&c->state->slot, ++rt_slot_count, __ATOMIC_RELAXED);
    /* Publishes the slot with the state: the fast path reads both. */
    __atomic_store_n(&c->state->init_state, rc == 0 ? RT_INIT_OK : RT_INIT_FAILED,
                     __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&rt_init_lock);
  return rc;
}

static inline int rt_ready(struct faasfuse_callee *c) {
  return RT_LIKELY(__atomic_load_n(&c->state->init_state, __ATOMIC_ACQUIRE) ==
                   RT_INIT_OK) ||
         rt_prepare(c) == 0;
}

/* ---------------------------------------------------------------------- */
/* Callee workers                                                          */

static RT_COLD int rt_grow_slots(struct rt_root *r, size_t need) {
  size_t n = r->nslots ? r->nslots : 8;
  while (n < need)
    n *= 2;
  struct rt_slot *slots = realloc(r->slots, n * sizeof *slots);
  if (slots == NULL)
    return -1;
  memset(slots + r->nslots, 0, (n - r->nslots) * sizeof *slots);
  r->slots = slots;
  r->nslots = n;
  return 0;
}

static void rt_unlend(struct rt_worker *w) {
  w->lent_to = &rt_nobody;
  w->lent_epoch = 1;
}

static void rt_worker_free(struct rt_worker *w) {
  rt_ctx_fini(&w->ctx);
  free(w->in);
  free(w->buf);
  free(w);
}

/* A new worker of callee for root, not yet in any idle pool; NULL (nothing
 * kept) if create fails. */
static RT_COLD struct rt_worker *rt_new_worker(struct rt_root *r,
                                               struct faasfuse_callee *callee) {
  if ((size_t)callee->state->slot > r->nslots &&
      rt_grow_slots(r, (size_t)callee->state->slot) != 0)
    return NULL;
  struct rt_worker *w = calloc(1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->ctx.magic = RT_MAGIC_WORKER;
  w->ctx.root = r;
  w->callee = callee;
  rt_unlend(w);
  if (callee->create != NULL &&
      callee->create(w, __faasfuse_invoke, __faasfuse_append, &w->handle) != 0) {
    rt_take_threw();
    rt_worker_free(w);
    return NULL;
  }
  w->len = 0; /* output appended during create is not any call's */
  w->failed = 0;
  rt_lend_policy(w);
  w->next_all = r->all;
  r->all = w;
  return w;
}

/* Destroys one callee worker (idle, in no pool), out of every list of r;
 * what it was lent is dead with it. */
static RT_COLD void rt_discard_worker(struct rt_root *r, struct rt_worker *w) {
  for (struct rt_worker **p = &r->all; *p != NULL;) {
    if (*p == w) {
      *p = w->next_all;
      continue;
    }
    if ((*p)->lent_to == &w->ctx)
      rt_unlend(*p);
    if ((*p)->ctx.hot == w) /* its address may come back as another worker */
      (*p)->ctx.hot = NULL;
    p = &(*p)->next_all;
  }
  if (r->ctx.hot == w)
    r->ctx.hot = NULL;
  struct rt_slot *slot = &r->slots[w->callee->state->slot - 1];
  if (slot->first == w)
    slot->first = NULL;
  if (w->callee->destroy != NULL)
    w->callee->destroy(w->handle);
  rt_take_threw(); /* a throw in destroy changes nothing more */
  rt_worker_free(w);
}

/* Destroys every callee worker of r; the pools start again empty. */
static void rt_drop_workers(struct rt_root *r) {
  struct rt_worker *w = r->all;
  r->all = NULL;
  r->ctx.hot = NULL; /* the entry's destroy may still make merged calls */
  free(r->slots);
  r->slots = NULL;
  r->nslots = 0;
  while (r->nspare > 0)
    free(r->spare[--r->nspare].p);
  free(r->spare);
  r->spare = NULL;
  r->spare_cap = 0;
  r->spare_bytes = 0;
  while (w != NULL) {
    struct rt_worker *next = w->next_all;
    if (w->callee->destroy != NULL)
      w->callee->destroy(w->handle);
    rt_take_threw();
    rt_worker_free(w);
    w = next;
  }
}

/* ---------------------------------------------------------------------- */
/* Roots                                                                   */

/* The list of init functions run dies with the library: unmapped, it would
 * be a leak. Once only: objects of one library share this state but each
 * runs its dtors. */
__attribute__((destructor)) static void rt_unload(void) {
  pthread_mutex_lock(&rt_init_lock);
  while (rt_inited_list != NULL) {
    struct rt_inited *next = rt_inited_list->next;
    free(rt_inited_list);
    rt_inited_list = next;
  }
  pthread_mutex_unlock(&rt_init_lock);
}

/* Callee workers belong to their root (the entry worker) and live exactly as
 * long as it does, whichever threads created or used it: Nightcore may run
 * an entry worker's calls on any thread, one at a time. */
static void rt_root_free(struct rt_root *r) {
  rt_drop_workers(r);
  rt_ctx_fini(&r->ctx);
  free(r);
}

/* ---------------------------------------------------------------------- */
/* The callbacks every worker of a merged library receives                 */

int __faasfuse_invoke(void *caller_context, const char *func_name,
                      const char *input, size_t input_length,
                      const char **output_data, size_t *output_length) {
  struct rt_ctx *c = caller_context;
  *output_data = NULL;
  *output_length = 0;
  if (!rt_is_ctx(c) || c->root->host_invoke == NULL)
    return -1;
  /* The RPC path: the host sees its own caller_context, whoever asks. */
  struct rt_root *r = c->root;
  return r->host_invoke(r->host_ctx, func_name, input, input_length,
                        output_data, output_length);
}

/* An append that does not fit (or finds no buffer). */
static __attribute__((noinline)) void rt_append_grow(struct rt_worker *w,
                                                     const char *data,
                                                     size_t length) {
  const size_t max = FAASFUSE_RT_MAX_OUTPUT;
  if (w->failed)
    return;
  if (length > max - w->len) {
    w->failed = 1;
    rt_lend_policy(w);
    return;
  }
  size_t need = w->len + length;
  struct rt_root *r = w->ctx.root;
  if (w->buf == NULL && r->nspare > 0)
    rt_take_spare(r, w);
  if (need > w->cap) {
    size_t cap = w->cap ? w->cap : RT_MIN_OUTPUT;
    while (cap < need)
      cap = cap > max / 2 ? max : cap * 2;
    if (cap > max) /* only if RT_MIN_OUTPUT > max; need <= max still fits */
      cap = max;
    char *buf = realloc(w->buf, cap);
    if (buf == NULL) {
      w->failed = 1;
      rt_lend_policy(w);
      return;
    }
    w->buf = buf;
    w->cap = cap;
    rt_lend_policy(w);
  }
  rt_copy_out(w->buf + w->len, data, length);
  w->len = need;
}

/* length (> 0) bytes appended to w's output. Copied at once: the callee
 * may reuse data as soon as we return. The capacity never exceeds the
 * limit, so fitting means within it. */
static RT_INLINE void rt_worker_append(struct rt_worker *w, const char *data,
                                      size_t length) {
  if (RT_LIKELY(length <= w->cap - w->len)) {
    rt_copy_out(w->buf + w->len, data, length);
    w->len += length;
  } else {
    rt_append_grow(w, data, length);
  }
}

/* An append of the entry's while it serves the host: to the host's
 * append_output_fn, with the host's context. */
static RT_INLINE void rt_root_append(struct rt_root *r, const char *data, size_t length) {
  if (r->host_append != NULL)
    r->host_append(r->host_ctx, data, length);
}

void __faasfuse_append(void *caller_context, const char *data, size_t length) {
  struct rt_ctx *c = caller_context;
  if (c == NULL || length == 0)
    return;
  if (RT_LIKELY(c->magic == RT_MAGIC_WORKER))
    rt_worker_append((struct rt_worker *)c, data, length);
  else if (c->magic == RT_MAGIC_ROOT)
    rt_root_append((struct rt_root *)c, data, length);
  /* Anything else is not ours: dropping it is all a void callback can do. */
}

/* The entry's append_output_fn while it serves the host: its output goes
 * to the host's as it comes, with no question of whose context it is (the
 * entry's calls of __faasfuse_append would ask it on every append). */
void __faasfuse_root_append(void *caller_context, const char *data, size_t length) {
  struct rt_root *r = caller_context;
  if (RT_LIKELY(r != NULL && r->ctx.magic == RT_MAGIC_ROOT))
    rt_root_append(r, data, length);
}

/* A merged callee's append through its worker's own fields (the pass proved
 * both the function and the context the runtime's): the fast path alone. */
void __faasfuse_worker_append(void *caller_context, const char *data, size_t length) {
  if (RT_LIKELY(length != 0))
    rt_worker_append(caller_context, data, length);
}

/* The entry's append through its worker's own fields (the pass proved the
 * function and the context the runtime's): the context is its root while it
 * serves the host, a callee worker's when it is called back (recursion). */
void __faasfuse_entry_append(void *caller_context, const char *data, size_t length) {
  struct rt_ctx *c = caller_context;
  if (RT_LIKELY(c->magic == RT_MAGIC_ROOT))
    rt_root_append((struct rt_root *)c, data, length);
  else
    __faasfuse_worker_append(caller_context, data, length);
}

/* ---------------------------------------------------------------------- */
/* The merged call                                                         */

static RT_COLD int rt_grow_input(struct rt_worker *w, size_t need) {
  char *in = realloc(w->in, need);
  if (in == NULL)
    return -1;
  w->in = in;
  w->incap = need;
  rt_lend_policy(w);
  return 0;
}

/* An output that fills under a quarter of a buffer of RT_SHRINK_MIN or more
 * (a spare buffer of a larger output), in a buffer of RT_MIN_OUTPUT * 2^k
 * bytes of its own, *cap set: the caller may hold it long. NULL if the
 * output is not small for its buffer, or out of memory (the large buffer
 * then serves). */
static char *rt_copy_small(const char *out, size_t len, size_t *cap) {
  if (RT_LIKELY(len >= *cap / 4 || *cap < RT_SHRINK_MIN))
    return NULL;
  size_t c = RT_MIN_OUTPUT;
  while (c < len)
    c *= 2;
  char *p = malloc(c);
  if (p != NULL) {
    rt_copy_out(p, out, len);
    *cap = c;
  }
  return p;
}

/* One call of a context's faas_func_call: outputs handed over to it during
 * the call are released when it returns; those lent to it, by the epoch's
 * increment. */
static RT_INLINE int rt_ctx_call(struct rt_ctx *c,
                                 int (*call)(void *, const char *, size_t),
                                 void *handle, const char *input, size_t input_length) {
  c->epoch++;
  int rc = call(handle, input, input_length);
  c->epoch++;
  if (RT_UNLIKELY(c->owned.n != 0))
    rt_owned_release(c);
  return rc;
}

/* Runs the callee on w, on its own copy of the input if it may write it
 * (as on Nightcore; the worker keeps the copy's buffer for its next call). */
static RT_INLINE int rt_run(struct faasfuse_callee *callee, struct rt_worker *w,
                         void *handle, const char *input, size_t input_length) {
  if ((callee->flags & FAASFUSE_CALLEE_COPY_INPUT) && input_length > 0) {
    if (RT_UNLIKELY(input_length >= w->incap) && rt_grow_input(w, input_length + 1) != 0)
      return -1;
    rt_copy_out(w->in, input, input_length);
    rt_copy_out(w->in + input_length, "", 1); /* callees that strtol a text input read one past it */
    input = w->in;
  }
  return rt_ctx_call(&w->ctx, callee->call, handle, input, input_length);
}

static int rt_fail(const char **output_data, size_t *output_length) {
  *output_data = NULL;
  *output_length = 0;
  return -1;
}

enum { RT_FAILED = -1, RT_DISCARDED = -2 };

/* After a call of a worker: a large input's copy is not kept, and a callee
 * that threw loses its worker (on Nightcore its process would be gone, and
 * the next call served by a fresh one): RT_DISCARDED. Otherwise the
 * output's length, or RT_FAILED if the call failed (its output dropped; the
 * worker keeps its buffer). */
static long rt_settle(struct rt_root *r, struct rt_worker *w, int rc) {
  if (RT_UNLIKELY(w->incap > RT_KEEP_INPUT)) {
    free(w->in);
    w->in = NULL;
    w->incap = 0;
    rt_lend_policy(w);
  }
  if (RT_UNLIKELY(rc != 0) && rt_take_threw()) {
    rt_discard_worker(r, w);
    return RT_DISCARDED;
  }
  size_t len = w->len;
  int failed = w->failed;
  w->len = 0;
  if (failed) {
    w->failed = 0;
    rt_lend_policy(w);
  }
  return rc != 0 || failed ? RT_FAILED : (long)len;
}

/* w's buffer, holding an output, becomes c's until c's call returns. */
static int rt_give_buffer(struct rt_worker *w, struct rt_ctx *c) {
  if (rt_owned_add(&c->owned, w->buf, w->cap) != 0)
    return -1;
  w->buf = NULL;
  w->cap = 0;
  rt_lend_policy(w);
  return 0;
}

/* A merged call's outcome. The paths out of line return it by value rather
 * than through the caller's output pointers: where __faasfuse_call is
 * inlined, those point at the invoke site's reply variables, which then
 * stay in registers instead of being stored and read back around the call. */
struct rt_result {
  const char *data;
  size_t length;
  int rc;
};

static const struct rt_result rt_failed = {NULL, 0, -1};

/* w's output, len bytes in its buffer, lent to the caller's running call. */
static RT_INLINE struct rt_result rt_lend(struct rt_worker *w, struct rt_ctx *caller,
                                          size_t len) {
  w->lent_to = caller;
  w->lent_epoch = caller->epoch;
  return (struct rt_result){w->buf, len, 0};
}

/* A first worker's output, when it is not lent as it stands: the call
 * failed, or the buffer is over RT_KEEP_OUTPUT (handed over instead), or
 * the output fills under a quarter of it (lent in a buffer of its size, the
 * large one spare: the caller may hold it long). */
static RT_COLD struct rt_result rt_first_settle(struct rt_root *r, struct rt_worker *w,
                                                struct rt_ctx *caller, int rc) {
  long n = rt_settle(r, w, rc);
  if (n < 0)
    return rt_failed;
  size_t len = (size_t)n, cap = w->cap;
  if (len == 0)
    return (struct rt_result){NULL, 0, 0};
  char *small = rt_copy_small(w->buf, len, &cap);
  if (small != NULL) {
    struct rt_buf big = {w->buf, w->cap};
    if (big.cap > RT_KEEP_OUTPUT)
      free(big.p);
    else
      rt_spare_put(r, big);
    w->buf = small;
    w->cap = cap;
    rt_lend_policy(w);
  } else if (cap > RT_KEEP_OUTPUT) {
    char *out = w->buf;
    if (rt_give_buffer(w, caller) != 0)
      return rt_failed;
    return (struct rt_result){out, len, 0};
  }
  return rt_lend(w, caller, len);
}

/* The call on the slot's first worker, idle and with nothing lent. */
static RT_INLINE struct rt_result rt_call_first(struct rt_root *r, struct rt_worker *w,
                                                void *handle, struct faasfuse_callee *callee,
                                                struct rt_ctx *caller, const char *input,
                                                size_t input_length) {
  int rc = rt_run(callee, w, handle, input, input_length);
  size_t len = w->len;
  if (RT_UNLIKELY(rc != 0) || RT_UNLIKELY(len < w->lend_min))
    return rt_first_settle(r, w, caller, rc);
  w->len = 0;
  return rt_lend(w, caller, len);
}

/* A call on a worker of the slot's pool (the first one is busy: recursion):
 * its output is handed over to the caller, released when its call returns. */
static RT_COLD struct rt_result rt_call_pooled(struct rt_root *r, size_t i,
                                               struct faasfuse_callee *callee,
                                               struct rt_ctx *caller, const char *input,
                                               size_t input_length) {
  struct rt_worker *w = r->slots[i].idle;
  if (w != NULL)
    r->slots[i].idle = w->next_idle;
  else if ((w = rt_new_worker(r, callee)) == NULL)
    return rt_failed;
  /* Its output starts in a spare buffer, so that the first append finds
   * room on the inlined path. */
  if (w->buf == NULL && r->nspare > 0)
    rt_take_spare(r, w);
  long n = rt_settle(r, w, rt_run(callee, w, w->handle, input, input_length));
  if (n == RT_DISCARDED)
    return rt_failed;
  w->next_idle = r->slots[i].idle; /* reread: nested calls may grow the slots */
  r->slots[i].idle = w;
  if (n <= 0)
    return n == 0 ? (struct rt_result){NULL, 0, 0} : rt_failed;
  size_t len = (size_t)n, cap = w->cap;
  char *out = w->buf, *small = rt_copy_small(out, len, &cap);
  if (small != NULL) { /* the worker keeps its buffer */
    if (rt_owned_add(&caller->owned, small, cap) != 0) {
      free(small);
      return rt_failed;
    }
    out = small;
  } else if (rt_give_buffer(w, caller) != 0) { /* the worker keeps it */
    return rt_failed;
  }
  return (struct rt_result){out, len, 0};
}

/* Everything but an idle first worker with nothing lent: the callee's first
 * call in this root (init, slot, first worker), a first worker whose output
 * is still lent (it goes to the lender's owned list), or busy (the pool). */
static RT_COLD struct rt_result rt_call_slow(struct faasfuse_callee *callee,
                                             struct rt_ctx *caller, const char *input,
                                             size_t input_length) {
  if (!rt_ready(callee))
    return rt_failed;
  struct rt_root *r = caller->root;
  size_t i = (size_t)callee->state->slot - 1;
  if (i >= r->nslots && rt_grow_slots(r, i + 1) != 0)
    return rt_failed;
  struct rt_worker *w = r->slots[i].first;
  if (w == NULL) {
    if ((w = rt_new_worker(r, callee)) == NULL)
      return rt_failed;
    if (r->slots[i].first == NULL) /* reread: its create may have made one */
      r->slots[i].first = w;
    else {
      w->next_idle = r->slots[i].idle;
      r->slots[i].idle = w;
    }
    w = r->slots[i].first;
  }
  if (w->ctx.epoch & 1)
    return rt_call_pooled(r, i, callee, caller, input, input_length);
  if (w->lent_to->epoch == w->lent_epoch) {
    /* Lent still: the buffer stays the lender's until its call returns. */
    if (rt_give_buffer(w, (struct rt_ctx *)w->lent_to) != 0)
      return rt_failed;
    rt_unlend(w);
    if (r->nspare > 0)
      rt_take_spare(r, w);
  }
  return rt_call_first(r, w, w->handle, callee, caller, input, input_length);
}

int __faasfuse_call(struct faasfuse_callee *callee, void *caller_context,
                    const char *input, size_t input_length,
                    const char **output_data, size_t *output_length) {
  struct rt_ctx *caller = caller_context;
  if (RT_UNLIKELY(!rt_is_ctx(caller)))
    return rt_fail(output_data, output_length);
  /* The slot is 0 until the callee is prepared: i is then out of range. */
  struct rt_root *r = caller->root;
  size_t i = (size_t)__atomic_load_n(&callee->state->slot, __ATOMIC_RELAXED) - 1;
  struct rt_worker *w = caller->hot, *first;
  void *handle = caller->hot_handle;
  struct rt_result res;
  if (RT_UNLIKELY(i >= r->nslots) || RT_UNLIKELY((first = r->slots[i].first) == NULL)) {
    res = rt_call_slow(callee, caller, input, input_length);
  } else {
    if (RT_UNLIKELY(w != first)) {
      caller->hot = w = first;
      caller->hot_handle = handle = first->handle;
    }
    if (RT_UNLIKELY(w->ctx.epoch & 1) || RT_UNLIKELY(w->lent_to->epoch == w->lent_epoch))
      res = rt_call_slow(callee, caller, input, input_length);
    else
      res = rt_call_first(r, w, handle, callee, caller, input, input_length);
  }
  *output_data = res.data;
  *output_length = res.length;
  return res.rc;
}


/* ---------------------------------------------------------------------- */
/* The entry's exported ABI functions                                      */

int __faasfuse_entry_init(struct faasfuse_callee *entry) {
  if (__atomic_load_n(&entry->state->init_state, __ATOMIC_ACQUIRE) == RT_INIT_OK)
    return 0;
  return rt_prepare(entry);
}

int __faasfuse_entry_create(struct faasfuse_callee *entry, void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  if (__faasfuse_entry_init(entry) != 0)
    return -1;
  struct rt_root *r = calloc(1, sizeof *r);
  if (r == NULL)
    return -1;
  r->ctx.magic = RT_MAGIC_ROOT;
  r->ctx.root = r;
  r->host_ctx = caller_context;
  r->host_invoke = invoke_func_fn;
  r->host_append = append_output_fn;
  /* The entry's code talks to the runtime; the runtime talks to the host. */
  if (entry->create != NULL) {
    int rc = entry->create(r, __faasfuse_invoke, __faasfuse_root_append, &r->inner);
    if (rc != 0) {
      rt_root_free(r);
      return rc;
    }
  }
  *worker_handle = r;
  return 0;
}

int __faasfuse_entry_call(struct faasfuse_callee *entry, void *worker_handle,
                          const char *input, size_t input_length) {
  struct rt_root *r = worker_handle;
  if (r == NULL || r->ctx.magic != RT_MAGIC_ROOT)
    return -1;
  return rt_ctx_call(&r->ctx, entry->call, r->inner, input, input_length);
}

int __faasfuse_entry_destroy(struct faasfuse_callee *entry, void *worker_handle) {
  struct rt_root *r = worker_handle;
  if (r == NULL || r->ctx.magic != RT_MAGIC_ROOT)
    return -1;
  /* Callee workers were created after the entry's own: they go first. */
  rt_drop_workers(r);
  int rc = entry->destroy != NULL ? entry->destroy(r->inner) : 0;
  rt_root_free(r); /* and whatever the entry's destroy created */
  return rc;
}

/* ---------------------------------------------------------------------- */
/* Names known only at run time                                            */

/* Descriptors of the callees whose objects were linked into this library
 * (per-object route); both NULL when there are none. */
extern struct faasfuse_callee *const __start_faasfuse_callees[]
    __attribute__((weak, visibility("hidden")));
extern struct faasfuse_callee *const __stop_faasfuse_callees[]
    __attribute__((weak, visibility("hidden")));

static struct faasfuse_callee *rt_find_linked(const char *name) {
  struct faasfuse_callee *const *p = __start_faasfuse_callees;
  if (p == NULL)
    return NULL;
  for (; p < __stop_faasfuse_callees; p++)
    if (strcmp(name, (*p)->name) == 0)
      return *p;
  return NULL;
}

/* strcmp, with the first bytes compared inline: in a search most
 * compares end there, cheaper than a call into libc through the PLT. */
static inline int rt_strcmp(const char *a, const char *b) {
  unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
  if (x != y || x == 0)
    return (int)x - (int)y;
  return strcmp(a + 1, b + 1);
}

/* Sorted by strcmp: a binary search, a handful of compares. */
static long rt_search(struct faasfuse_callee *const *table, size_t n,
                      const char *name) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = rt_strcmp(name, table[mid]->name);
    if (c == 0)
      return (long)mid;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return -1;
}

long __faasfuse_lookup(struct faasfuse_callee *const *table, size_t n,
                       const char *func_name, uintptr_t *site_cache) {
  if (func_name == NULL)
    return -1;
  /* A site mostly names the same function every time (a transport's
   * std::string): try its last match first. The cache is only a guess,
   * always checked, so threads racing on it cannot make a wrong match. */
  uintptr_t last = site_cache ? __atomic_load_n(site_cache, __ATOMIC_RELAXED) : 0;
  if (RT_LIKELY(last - 1 < n) && rt_strcmp(func_name, table[last - 1]->name) == 0)
    return (long)(last - 1);
  long i = rt_search(table, n, func_name);
  if (i >= 0 && site_cache != NULL)
    __atomic_store_n(site_cache, (uintptr_t)i + 1, __ATOMIC_RELAXED);
  return i;
}

int __faasfuse_dispatch(struct faasfuse_callee *const *table, size_t n,
                        void *caller_context, const char *func_name,
                        const char *input, size_t input_length,
                        const char **output_data, size_t *output_length) {
  struct faasfuse_callee *hit = NULL;
  if (func_name != NULL && table == NULL) {
    hit = rt_find_linked(func_name);
  } else {
    long i = __faasfuse_lookup(table, n, func_name, NULL);
    hit = i >= 0 ? table[i] : NULL;
  }
  if (hit != NULL)
    return __faasfuse_call(hit, caller_context, input, input_length,
                           output_data, output_length);
  return __faasfuse_invoke(caller_context, func_name, input, input_length,
                           output_data, output_length);
}
