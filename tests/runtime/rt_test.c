/*
 * Unit tests of the faasfuse runtime (runtime/faasfuse_rt.c).
 *
 * They drive the runtime exactly as merged code does: each test function
 * below is written as a Nightcore function library would be, and FUNCTION()
 * emits what the pass emits for it (the renamed ABI functions, a
 * struct faasfuse_callee descriptor and a __faasfuse_call wrapper). A fake
 * host stands in for Nightcore: it creates entry workers through
 * __faasfuse_entry_create, serves unmerged invokes and collects the entry's
 * output.
 *
 * The entry, Foo, is a small command interpreter ("echo:hi", "rec:3", ...):
 * each command exercises one rule of the contract from inside a real
 * faas_func_call, and the groups in main() check the results.
 *
 * Built four ways (tests/runtime/CMakeLists.txt): plain, ASan+UBSan, TSan,
 * and with -DFAASFUSE_RT_MAX_OUTPUT=100 to reach the output size limit.
 * Prints "<group>: N passed, M failed" per group and exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faasfuse/runtime.h"

/* The limit build runs the runtime with a 100-byte output limit. */
#ifdef FAASFUSE_RT_MAX_OUTPUT
#define LIMIT_BUILD 1
#else
#define LIMIT_BUILD 0
#endif

#define UNUSED __attribute__((unused))

/* ---------------------------------------------------------------------- */
/* Checks                                                                  */

static atomic_int n_pass, n_fail;

static void check(int ok, const char *what, const char *file, int line) {
  if (ok) {
    atomic_fetch_add(&n_pass, 1);
  } else {
    atomic_fetch_add(&n_fail, 1);
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  }
}
#define CHECK(cond) check(!!(cond), #cond, __FILE__, __LINE__)

static void run_group(const char *name, void (*fn)(void)) {
  int p0 = atomic_load(&n_pass), f0 = atomic_load(&n_fail);
  fn();
  printf("%s: %d passed, %d failed\n", name, atomic_load(&n_pass) - p0,
         atomic_load(&n_fail) - f0);
  fflush(stdout);
}

/* out[0..n) equals the C string s (out may be NULL when n is 0). */
static int is(const char *out, size_t n, const char *s) {
  return n == strlen(s) && (n == 0 || memcmp(out, s, n) == 0);
}

/* ---------------------------------------------------------------------- */
/* The fake host (Nightcore's side of the entry worker)                    */

#define HOST_MAGIC 0x74736f68u
struct host {
  unsigned magic;
  char *out; /* what the entry appended during the current request */
  size_t len, cap;
  int invokes; /* unmerged invokes that reached the host */
  char name[32], input[64];
  size_t input_len;
  char reply[128];
};

/* Host callbacks that got something other than the host's own context. */
static atomic_int host_bad_ctx;

static void host_init(struct host *h) {
  memset(h, 0, sizeof *h);
  h->magic = HOST_MAGIC;
}

static void host_fini(struct host *h) {
  free(h->out);
  h->magic = 0;
}

static struct host *as_host(void *ctx) {
  struct host *h = ctx;
  if (h == NULL || h->magic != HOST_MAGIC) {
    atomic_fetch_add(&host_bad_ctx, 1);
    return NULL;
  }
  return h;
}

static int host_invoke(void *ctx, const char *name, const char *in, size_t len,
                       const char **out, size_t *outlen) {
  *out = NULL;
  *outlen = 0;
  struct host *h = as_host(ctx);
  if (h == NULL)
    return -1;
  h->invokes++;
  snprintf(h->name, sizeof h->name, "%s", name);
  h->input_len = len < sizeof h->input ? len : sizeof h->input;
  if (h->input_len > 0)
    memcpy(h->input, in, h->input_len);
  if (strcmp(name, "Missing") == 0) /* as Nightcore: unknown name -> -1 */
    return -1;
  int n = snprintf(h->reply, sizeof h->reply, "host:%s:%.*s", name, (int)len,
                   len ? in : "");
  *out = h->reply;
  *outlen = (size_t)n;
  return 0;
}

static void host_append(void *ctx, const char *data, size_t len) {
  struct host *h = as_host(ctx);
  if (h == NULL || len == 0)
    return;
  if (h->len + len > h->cap) {
    h->cap = (h->len + len) * 2;
    h->out = realloc(h->out, h->cap);
    if (h->out == NULL)
      abort();
  }
  memcpy(h->out + h->len, data, len);
  h->len += len;
}

static int host_is(const struct host *h, const char *s, size_t n) {
  return h->len == n && (n == 0 || memcmp(h->out, s, n) == 0);
}
#define HOST_IS(h, lit) host_is((h), lit, sizeof lit - 1)

/* ---------------------------------------------------------------------- */
/* Test functions, each with what the pass would emit for it               */

struct stats {
  atomic_int init, tries, create, destroy, calls; /* create: successful */
  atomic_int reentered; /* calls that found their worker busy */
  atomic_int bad_cb;    /* create got other callbacks than the runtime's */
  atomic_int destroyed_at; /* destroy_seq at this function's last destroy */
  /* knobs */
  atomic_int init_result, init_sleep_us, create_fail, destroy_result;
};

/* A test function's worker, as any Nightcore function keeps one. */
struct fw {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
  struct stats *st;
  int busy;
  int dead; /* destroyed (Phoenix's handles are kept a while: see grave) */
};

static int fw_init(struct stats *st) {
  int us = atomic_load(&st->init_sleep_us);
  if (us > 0)
    usleep((useconds_t)us); /* widens the window for racing threads */
  atomic_fetch_add(&st->init, 1);
  return atomic_load(&st->init_result);
}

static int fw_create(struct stats *st, void *ctx, faas_invoke_func_fn_t invoke,
                     faas_append_output_fn_t append, void **handle) {
  atomic_fetch_add(&st->tries, 1);
  /* A merged callee's worker gets __faasfuse_append; the entry's, which
   * serves the host, __faasfuse_root_append. */
  if (ctx == NULL || invoke != __faasfuse_invoke ||
      (append != __faasfuse_append && append != __faasfuse_root_append))
    atomic_fetch_add(&st->bad_cb, 1);
  if (atomic_load(&st->create_fail) > 0) {
    atomic_fetch_sub(&st->create_fail, 1);
    return -1;
  }
  struct fw *w = calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = ctx;
  w->invoke = invoke;
  w->append = append;
  w->st = st;
  *handle = w;
  atomic_fetch_add(&st->create, 1);
  return 0;
}

static atomic_int destroy_seq; /* orders destroys across functions */

/* Phoenix's handle destroyed last, kept (marked dead) until the next one is:
 * a call on it is seen, and no new handle can take its address. */
static struct stats st_Phoenix;
static struct fw *grave;

/* Set by a test: Foo's destroy then makes merged calls, as an entry that
 * flushes something on its way out would (destroy_flush, below). */
static struct stats st_Foo;
static atomic_int foo_destroy_flushes, foo_destroy_failed;
static void destroy_flush(struct fw *w);

static int fw_destroy(struct stats *st, void *handle) {
  atomic_fetch_add(&st->destroy, 1);
  atomic_store(&st->destroyed_at, atomic_fetch_add(&destroy_seq, 1) + 1);
  if (st == &st_Foo && atomic_load(&foo_destroy_flushes))
    destroy_flush(handle);
  if (st == &st_Phoenix) {
    ((struct fw *)handle)->dead = 1;
    free(grave);
    grave = handle;
  } else {
    free(handle);
  }
  return atomic_load(&st->destroy_result);
}

static int fw_call(struct stats *st, int (*body)(struct fw *, const char *, size_t),
                   void *handle, const char *in, size_t len) {
  struct fw *w = handle;
  atomic_fetch_add(&st->calls, 1);
  if (w->busy++)
    atomic_fetch_add(&st->reentered, 1);
  int rc = body(w, in, len);
  w->busy--;
  return rc;
}

#define FUNCTION(Name)                                                         \
  static struct stats st_##Name;                                               \
  static int body_##Name(struct fw *, const char *, size_t);                   \
  static int init_##Name(void) { return fw_init(&st_##Name); }                \
  static int create_##Name(void *c, faas_invoke_func_fn_t i,                   \
                           faas_append_output_fn_t a, void **h) {             \
    return fw_create(&st_##Name, c, i, a, h);                                  \
  }                                                                            \
  static int destroy_##Name(void *h) { return fw_destroy(&st_##Name, h); }    \
  static int call_##Name(void *h, const char *in, size_t len) {               \
    return fw_call(&st_##Name, body_##Name, h, in, len);                       \
  }                                                                            \
  static struct faasfuse_callee_state state_##Name;                           \
  static struct faasfuse_callee desc_##Name = {                                \
      #Name, init_##Name, create_##Name, destroy_##Name, call_##Name,          \
      &state_##Name, 0};                                                       \
  UNUSED static int merged_##Name(void *ctx, const char *in, size_t len,      \
                                  const char **out, size_t *outlen) {          \
    return __faasfuse_call(&desc_##Name, ctx, in, len, out, outlen);           \
  }

FUNCTION(Foo)   /* the entry; also called by name (recursion) */
FUNCTION(Bar)   /* recursion partner */
FUNCTION(Cat)   /* echoes its input in many small appends */
FUNCTION(Three) /* "AAA" "BBB" "CCC" from one reused buffer */
FUNCTION(Fail)  /* appends, then fails (unless input is "ok") */
FUNCTION(Empty) /* no output, only zero-length appends */
FUNCTION(Nest)  /* a callee that makes merged and unmerged calls */
FUNCTION(Big)   /* N bytes of a pattern, in uneven appends */
FUNCTION(Slow)  /* slow init, for racing threads */
FUNCTION(BadInit)
FUNCTION(BadCreate)
FUNCTION(Flaky) /* first create fails */
FUNCTION(Race)  /* entry only: slow init, racing __faasfuse_entry_init */
FUNCTION(BadEntryInit)
FUNCTION(BadEntryCreate)
FUNCTION(S0) FUNCTION(S1) FUNCTION(S2) FUNCTION(S3) /* first used in a race */
FUNCTION(S4) FUNCTION(S5) FUNCTION(S6) FUNCTION(S7)
FUNCTION(Scribble) /* writes through its input (strtok-like), then echoes it */
FUNCTION(Fill)  /* N bytes (a multiple of 4 KiB) of one letter, 4 KiB a time */
FUNCTION(Thrower) /* makes a merged call, then fails as a caught throw does */
FUNCTION(Phoenix) /* "ok": appends "ok"; "none": no output; else fails as a throw does */
FUNCTION(Pyre)    /* calls Phoenix on its input, from a callee worker's context */

/* Scribble as the pass describes it: it may write its input, so it gets a
 * copy. (desc_Scribble, flags 0, is what a callee proven not to write gets.) */
static struct faasfuse_callee_state state_ScribbleCopy;
static struct faasfuse_callee desc_ScribbleCopy = {
    "Scribble", init_Scribble, create_Scribble, destroy_Scribble, call_Scribble,
    &state_ScribbleCopy, FAASFUSE_CALLEE_COPY_INPUT};

/* Foo reached through a second descriptor: its init must still run once. */
static struct faasfuse_callee_state state_FooAlias;
static struct faasfuse_callee desc_FooAlias = {
    "Foo", init_Foo, create_Foo, destroy_Foo, call_Foo, &state_FooAlias, 0};

/* A function with no init, create or destroy: its handle is NULL. */
static atomic_int nocreate_bad_handle;
static int call_NoCreate(void *handle, const char *in, size_t len) {
  (void)in;
  (void)len;
  if (handle != NULL)
    atomic_fetch_add(&nocreate_bad_handle, 1);
  return 0;
}
static struct faasfuse_callee_state state_NoCreate;
static struct faasfuse_callee desc_NoCreate = {
    "NoCreate", NULL, NULL, NULL, call_NoCreate, &state_NoCreate, 0};

static struct faasfuse_callee *const slot_descs[8] = {
    &desc_S0, &desc_S1, &desc_S2, &desc_S3,
    &desc_S4, &desc_S5, &desc_S6, &desc_S7};

/* What the pass emits for a call whose callee is named only at run time: a
 * table of the merged descriptors sorted by strcmp, and (per-object route)
 * a pointer per linked descriptor in the registry section. */
static struct faasfuse_callee *const dispatch_table[] = {
    &desc_Cat, &desc_Empty, &desc_Fail, &desc_Three};
#define STR(x) #x
#define XSTR(x) STR(x)
UNUSED static struct faasfuse_callee *const registered_Three
    __attribute__((section(XSTR(FAASFUSE_REGISTRY_SECTION)), used)) = &desc_Three;
UNUSED static struct faasfuse_callee *const registered_Cat
    __attribute__((section(XSTR(FAASFUSE_REGISTRY_SECTION)), used)) = &desc_Cat;

static struct stats *const slot_stats[8] = {
    &st_S0, &st_S1, &st_S2, &st_S3, &st_S4, &st_S5, &st_S6, &st_S7};

static struct stats *const all_stats[] = {
    &st_Foo,     &st_Bar,  &st_Cat,       &st_Three,          &st_Fail,
    &st_Empty,   &st_Nest, &st_Big,       &st_Slow,           &st_BadInit,
    &st_BadCreate, &st_Flaky, &st_Race,   &st_BadEntryInit,   &st_BadEntryCreate,
    &st_S0,      &st_S1,   &st_S2,        &st_S3,             &st_S4,
    &st_S5,      &st_S6,   &st_S7,        &st_Thrower,        &st_Phoenix,
    &st_Pyre};

static int live(struct stats *st) {
  return atomic_load(&st->create) - atomic_load(&st->destroy);
}

/* ---------------------------------------------------------------------- */
/* Helpers for function bodies                                             */

/* Set while groups run again as the pass rewrites calls through a worker's
 * own fields (call_runtime_directly.c): an append calls
 * __faasfuse_worker_append (1) or __faasfuse_entry_append (2) on a callee
 * worker's context, and __faasfuse_entry_append on the entry's root. */
static int direct_appends;

static void put(struct fw *w, const char *s, size_t n) {
  if (direct_appends && w->append == __faasfuse_root_append)
    __faasfuse_entry_append(w->ctx, s, n);
  else if (direct_appends == 1 && w->append == __faasfuse_append)
    __faasfuse_worker_append(w->ctx, s, n);
  else if (direct_appends == 2 && w->append == __faasfuse_append)
    __faasfuse_entry_append(w->ctx, s, n);
  else
    w->append(w->ctx, s, n);
}
static void puts_(struct fw *w, const char *s) { put(w, s, strlen(s)); }

/* Input "name" or "name:arg". */
static int cmd(const char *in, size_t len, const char *name, const char **arg,
               size_t *arglen) {
  size_t n = strlen(name);
  if (len < n || memcmp(in, name, n) != 0 || (len > n && in[n] != ':'))
    return 0;
  *arg = len > n ? in + n + 1 : in + n;
  *arglen = len > n ? len - n - 1 : 0;
  return 1;
}

static long num(const char *a, size_t n) {
  char buf[32];
  if (n >= sizeof buf)
    n = sizeof buf - 1;
  memcpy(buf, a, n);
  buf[n] = 0;
  return strtol(buf, NULL, 10);
}

static unsigned char pattern(size_t i) { return (unsigned char)(i % 251); }

static size_t heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  return mallinfo2().uordblks;
#else
  return 0; /* unknown: the heap checks then pass trivially */
#endif
}

/* The kept-outputs test's i-th input: 64 distinct bytes. */
static void keep_input(char *buf, long i) {
  int n = snprintf(buf, 65, "out-%05ld-", i);
  memset(buf + n, 'a' + (int)(i % 26), (size_t)(64 - n));
}

/* ---------------------------------------------------------------------- */
/* Callee bodies                                                           */

/* Where Scribble last found its input. */
static const char *scribble_input;

static int body_Scribble(struct fw *w, const char *in, size_t len) {
  char *p = (char *)in;
  scribble_input = in;
  for (size_t i = 0; i < len; i++)
    if (p[i] >= 'a' && p[i] <= 'z')
      p[i] = (char)(p[i] - 'a' + 'A');
  put(w, in, len);
  return 0;
}

static int body_Cat(struct fw *w, const char *in, size_t len) {
  /* Pieces of 1, 2, 3... bytes, with empty appends between them. */
  size_t off = 0, piece = 1;
  while (off < len) {
    size_t n = piece < len - off ? piece : len - off;
    put(w, in + off, n);
    put(w, in + off, 0);
    off += n;
    piece++;
  }
  return 0;
}

static int body_Three(struct fw *w, const char *in, size_t len) {
  (void)in;
  (void)len;
  char buf[3]; /* reused at once: append must have copied */
  memset(buf, 'A', 3);
  put(w, buf, 3);
  memset(buf, 'B', 3);
  put(w, buf, 3);
  memset(buf, 'C', 3);
  put(w, buf, 3);
  return 0;
}

static int body_Fail(struct fw *w, const char *in, size_t len) {
  if (is(in, len, "ok")) {
    puts_(w, "fine");
    return 0;
  }
  char junk[100];
  memset(junk, 'g', sizeof junk);
  for (int i = 0; i < 10; i++) /* enough to make the runtime grow its buffer */
    put(w, junk, sizeof junk);
  return 5;
}

static int body_Empty(struct fw *w, const char *in, size_t len) {
  (void)in;
  (void)len;
  put(w, "", 0);
  put(w, NULL, 0);
  return 0;
}

static int body_Big(struct fw *w, const char *in, size_t len) {
  size_t total = (size_t)num(in, len), off = 0, piece = 1;
  unsigned char chunk[16];
  while (off < total) {
    size_t n = piece < total - off ? piece : total - off;
    for (size_t i = 0; i < n; i++)
      chunk[i] = pattern(off + i);
    put(w, (const char *)chunk, n);
    off += n;
    piece = piece % 13 + 1;
  }
  return 0;
}

static int body_Fill(struct fw *w, const char *in, size_t len) {
  char block[4096];
  memset(block, 'f', sizeof block);
  for (long left = num(in, len); left > 0; left -= (long)sizeof block)
    put(w, block, sizeof block);
  return 0;
}

/* What the pass's exception guard does when the callee threw. */
static int body_Thrower(struct fw *w, const char *in, size_t len) {
  const char *o;
  size_t n;
  if (merged_Cat(w->ctx, in, len, &o, &n) != 0)
    return 1;
  __faasfuse_caught();
  return -1;
}

static int body_Phoenix(struct fw *w, const char *in, size_t len) {
  if (w->dead) /* called on the handle of a worker discarded before */
    return 9;
  if (is(in, len, "ok")) {
    puts_(w, "ok");
    return 0;
  }
  if (is(in, len, "none")) /* succeeds with no output: nothing is lent */
    return 0;
  __faasfuse_caught();
  return -1;
}

static void destroy_flush(struct fw *w) {
  for (int i = 0; i < 2; i++) {
    const char *o;
    size_t n;
    if (merged_Phoenix(w->ctx, "none", 4, &o, &n) != 0 || n != 0)
      atomic_fetch_add(&foo_destroy_failed, 1);
  }
}

static int body_Pyre(struct fw *w, const char *in, size_t len) {
  const char *o;
  size_t n;
  int rc = merged_Phoenix(w->ctx, in, len, &o, &n);
  if (rc == 0)
    put(w, o, n);
  return rc;
}

static int big_ok(const char *out, size_t n, size_t want) {
  if (n != want || (n > 0 && out == NULL))
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)out[i] != pattern(i))
      return 0;
  return 1;
}

static int body_Slow(struct fw *w, const char *in, size_t len) {
  (void)in;
  (void)len;
  puts_(w, "slow");
  return 0;
}

static int trivial_body(struct fw *w, const char *in, size_t len) {
  (void)w;
  (void)in;
  (void)len;
  return 0;
}
static int body_BadInit(struct fw *w, const char *in, size_t len) {
  return trivial_body(w, in, len);
}
static int body_BadCreate(struct fw *w, const char *in, size_t len) {
  return trivial_body(w, in, len);
}
static int body_Race(struct fw *w, const char *in, size_t len) {
  return trivial_body(w, in, len);
}
static int body_BadEntryInit(struct fw *w, const char *in, size_t len) {
  return trivial_body(w, in, len);
}
static int body_BadEntryCreate(struct fw *w, const char *in, size_t len) {
  return trivial_body(w, in, len);
}
static int body_Flaky(struct fw *w, const char *in, size_t len) {
  (void)in;
  (void)len;
  puts_(w, "flaky");
  return 0;
}

#define SLOT_BODY(N)                                                         \
  static int body_S##N(struct fw *w, const char *in, size_t len) {           \
    (void)in;                                                                \
    (void)len;                                                               \
    puts_(w, "S" #N);                                                        \
    return 0;                                                                \
  }
SLOT_BODY(0) SLOT_BODY(1) SLOT_BODY(2) SLOT_BODY(3)
SLOT_BODY(4) SLOT_BODY(5) SLOT_BODY(6) SLOT_BODY(7)

/* "quiet": a nested call with a big output, and a tiny output of its own.
 * Otherwise: merged Cat, unmerged Remote, failing Fail, unknown Missing. */
static int body_Nest(struct fw *w, const char *in, size_t len) {
  const char *o1, *o2, *o3;
  size_t n1, n2, n3;
  if (is(in, len, "quiet")) {
    if (merged_Big(w->ctx, "4096", 4, &o1, &n1) != 0 || !big_ok(o1, n1, 4096))
      return 1;
    puts_(w, "q");
    return 0;
  }
  if (merged_Cat(w->ctx, in, len, &o1, &n1) != 0)
    return 1;
  /* Unmerged: through the invoke this worker got, to the real host. */
  if (w->invoke(w->ctx, "Remote", "r", 1, &o2, &n2) != 0)
    return 2;
  o3 = "junk";
  n3 = 4;
  if (merged_Fail(w->ctx, "x", 1, &o3, &n3) != -1 || o3 != NULL || n3 != 0)
    return 3;
  o3 = "junk";
  n3 = 4;
  if (w->invoke(w->ctx, "Missing", "", 0, &o3, &n3) != -1 || o3 != NULL || n3 != 0)
    return 4;
  if (n1 != len || (len > 0 && memcmp(o1, in, len) != 0)) /* still intact */
    return 5;
  puts_(w, "[");
  put(w, o1, n1);
  puts_(w, "|");
  put(w, o2, n2);
  puts_(w, "]");
  return 0;
}

/* One level of a recursion: "<tag><d>[" + what the next level answers + "]".
 * Each level also makes one more call after the nested one and checks that
 * the nested output is untouched. */
static int rec_level(struct fw *w, const char *tag, const char *cmdname, long d,
                     int (*next)(void *, const char *, size_t, const char **,
                                 size_t *)) {
  char head[32];
  snprintf(head, sizeof head, "%s%ld[", tag, d);
  puts_(w, head);
  if (d > 0) {
    char sub[32], copy[512];
    int sn = snprintf(sub, sizeof sub, "%s:%ld", cmdname, d - 1);
    const char *o, *z;
    size_t n, zn;
    if (next(w->ctx, sub, (size_t)sn, &o, &n) != 0 || n > sizeof copy)
      return 1;
    memcpy(copy, o, n);
    if (merged_Cat(w->ctx, "zz", 2, &z, &zn) != 0 || !is(z, zn, "zz"))
      return 2;
    if (memcmp(o, copy, n) != 0)
      return 3;
    put(w, o, n);
  }
  puts_(w, "]");
  return 0;
}

static int body_Bar(struct fw *w, const char *in, size_t len) {
  const char *a;
  size_t n;
  if (cmd(in, len, "rec", &a, &n))
    return rec_level(w, "B", "rec", num(a, n), merged_Foo);
  if (cmd(in, len, "self", &a, &n))
    return rec_level(w, "S", "self", num(a, n), merged_Bar);
  return 99;
}

/* ---------------------------------------------------------------------- */
/* The entry, Foo                                                          */

static int foo_keep(struct fw *w, long count) {
  const char *first, **outs = calloc((size_t)count, sizeof *outs);
  size_t first_n, *lens = calloc((size_t)count, sizeof *lens);
  char in[65];
  int bad = 0;
  if (outs == NULL || lens == NULL)
    return 1;
  if (merged_Cat(w->ctx, "first-output", 12, &first, &first_n) != 0)
    bad++;
  for (long i = 0; i < count; i++) {
    keep_input(in, i);
    if (merged_Cat(w->ctx, in, 64, &outs[i], &lens[i]) != 0 ||
        lens[i] != 64 || memcmp(outs[i], in, 64) != 0)
      bad++;
  }
  /* Every output is still what it was, after all the later calls. */
  CHECK(is(first, first_n, "first-output"));
  for (long i = 0; i < count; i++) {
    keep_input(in, i);
    if (lens[i] != 64 || memcmp(outs[i], in, 64) != 0)
      bad++;
  }
  CHECK(bad == 0);
  free(outs);
  free(lens);
  puts_(w, "kept");
  return 0;
}

/* Where the last "region" request's outputs were. */
#define REGION_MAX 1024
static const char *region_outs[REGION_MAX];
static long region_n;

/* Keeps count 64 KiB outputs of Fill until it returns, as an entry that
 * gathers replies does. */
static int foo_region(struct fw *w, long count) {
  int bad = 0;
  if (count > REGION_MAX)
    return 1;
  for (long i = 0; i < count; i++) {
    size_t n;
    if (merged_Fill(w->ctx, "65536", 5, &region_outs[i], &n) != 0 || n != 65536)
      bad++;
  }
  for (long i = 0; i < count && bad == 0; i++)
    if (region_outs[i][0] != 'f' || region_outs[i][65535] != 'f')
      bad++;
  region_n = count;
  CHECK(bad == 0);
  puts_(w, "region");
  return 0;
}

static int ptr_order(const void *a, const void *b) {
  uintptr_t x = (uintptr_t) * (const char *const *)a, y = (uintptr_t) * (const char *const *)b;
  return (x > y) - (x < y);
}

/* Outputs a callee got from its own merged calls die with its call: Nest's
 * 4 KiB outputs must not pile up while Foo keeps calling Nest. */
static int foo_nestmany(struct fw *w, long count) {
  size_t before = heap_in_use();
  int bad = 0;
  for (long i = 0; i < count; i++) {
    const char *o;
    size_t n;
    if (merged_Nest(w->ctx, "quiet", 5, &o, &n) != 0 || !is(o, n, "q"))
      bad++;
  }
  size_t after = heap_in_use();
  CHECK(bad == 0);
  /* Leaked, they would be count * 4 KiB; kept, Nest's outputs are ~100 B. */
  CHECK(after < before || after - before < (size_t)count * 1024);
  puts_(w, "nested");
  return 0;
}

/* Outputs are lent in their callee worker's buffer for as long as the call
 * that received them runs: a second caller of the same callee, a throw of
 * the caller lent to, and large and small outputs must not touch them. */
static int foo_lend(struct fw *w) {
  const char *o1, *o2, *o3, *o4;
  size_t n1, n2, n3, n4;
  CHECK(merged_Cat(w->ctx, "first", 5, &o1, &n1) == 0);
  /* Nest calls Cat while Cat's output is lent to Foo. */
  CHECK(merged_Nest(w->ctx, "second", 6, &o2, &n2) == 0);
  CHECK(n2 > 8 && memcmp(o2, "[second|", 8) == 0);
  CHECK(merged_Cat(w->ctx, "third", 5, &o3, &n3) == 0);
  CHECK(is(o1, n1, "first") && is(o3, n3, "third"));
  /* Thrower's worker, lent Cat's output, is dropped; Cat serves on. */
  int created = atomic_load(&st_Thrower.create);
  for (int i = 0; i < 2; i++) {
    o4 = "junk";
    n4 = 4;
    CHECK(merged_Thrower(w->ctx, "x", 1, &o4, &n4) == -1 && o4 == NULL && n4 == 0);
    CHECK(merged_Cat(w->ctx, "fourth", 6, &o4, &n4) == 0 && is(o4, n4, "fourth"));
  }
  CHECK(atomic_load(&st_Thrower.create) - created == 2);
  if (!LIMIT_BUILD) {
    /* Over what a worker keeps (4 MiB): handed over; then small again. */
    CHECK(merged_Big(w->ctx, "5000000", 7, &o4, &n4) == 0 && big_ok(o4, n4, 5000000));
    const char *o5;
    size_t n5;
    CHECK(merged_Big(w->ctx, "10", 2, &o5, &n5) == 0 && big_ok(o5, n5, 10));
    CHECK(big_ok(o4, n4, 5000000));
    CHECK(merged_Big(w->ctx, "3000", 4, &o4, &n4) == 0 && big_ok(o4, n4, 3000));
    CHECK(merged_Big(w->ctx, "10", 2, &o5, &n5) == 0 && big_ok(o5, n5, 10));
    CHECK(big_ok(o4, n4, 3000));
  }
  CHECK(is(o1, n1, "first") && is(o3, n3, "third"));
  puts_(w, "lent");
  return 0;
}

static int foo_limit(struct fw *w) {
  const char *o;
  size_t n;
  int created = atomic_load(&st_Big.create);
  CHECK(merged_Big(w->ctx, "100", 3, &o, &n) == 0 && big_ok(o, n, 100));
  o = "junk";
  n = 4;
  CHECK(merged_Big(w->ctx, "101", 3, &o, &n) == -1 && o == NULL && n == 0);
  /* The same worker serves again, its failed output gone. */
  CHECK(merged_Big(w->ctx, "100", 3, &o, &n) == 0 && big_ok(o, n, 100));
  CHECK(merged_Big(w->ctx, "100000", 6, &o, &n) == -1 && o == NULL && n == 0);
  CHECK(merged_Big(w->ctx, "7", 1, &o, &n) == 0 && big_ok(o, n, 7));
  CHECK(atomic_load(&st_Big.create) - created <= 1);
  char in[101];
  memset(in, 'x', sizeof in);
  CHECK(merged_Cat(w->ctx, in, 100, &o, &n) == 0 && n == 100);
  CHECK(merged_Cat(w->ctx, in, 101, &o, &n) == -1 && o == NULL && n == 0);
  puts_(w, "limit");
  return 0;
}

static int body_Foo(struct fw *w, const char *in, size_t len) {
  const char *a, *o;
  size_t n, on;
  if (cmd(in, len, "echo", &a, &n)) {
    if (merged_Cat(w->ctx, a, n, &o, &on) != 0)
      return 1;
    puts_(w, "Foo[");
    put(w, o, on);
    puts_(w, "]");
    return 0;
  }
  if (cmd(in, len, "whoami", &a, &n)) { /* the caller_context Foo was given */
    put(w, (const char *)&w->ctx, sizeof w->ctx);
    return 0;
  }
  if (cmd(in, len, "three", &a, &n)) {
    if (merged_Three(w->ctx, "", 0, &o, &on) != 0)
      return 1;
    put(w, o, on);
    return 0;
  }
  if (cmd(in, len, "remote", &a, &n)) {
    if (w->invoke(w->ctx, "Remote", a, n, &o, &on) != 0)
      return 1;
    put(w, o, on);
    return 0;
  }
  if (cmd(in, len, "missing", &a, &n)) {
    o = "junk";
    on = 4;
    int rc = w->invoke(w->ctx, "Missing", "m", 1, &o, &on);
    CHECK(rc == -1 && o == NULL && on == 0);
    puts_(w, "missing");
    return 0;
  }
  if (cmd(in, len, "nest", &a, &n)) {
    int rc = merged_Nest(w->ctx, a, n, &o, &on);
    if (rc != 0)
      return 1;
    puts_(w, "Foo[");
    put(w, o, on);
    puts_(w, "]");
    return 0;
  }
  if (cmd(in, len, "fail", &a, &n)) {
    o = "junk";
    on = 4;
    CHECK(merged_Fail(w->ctx, "x", 1, &o, &on) == -1 && o == NULL && on == 0);
    /* The worker is reused: nothing of the failed call's output is left. */
    CHECK(merged_Fail(w->ctx, "ok", 2, &o, &on) == 0 && is(o, on, "fine"));
    puts_(w, "failed");
    return 0;
  }
  if (cmd(in, len, "empty", &a, &n)) {
    o = "junk";
    on = 4;
    CHECK(merged_Empty(w->ctx, "", 0, &o, &on) == 0 && o == NULL && on == 0);
    o = "junk";
    on = 4;
    CHECK(__faasfuse_call(&desc_NoCreate, w->ctx, "x", 1, &o, &on) == 0 &&
          o == NULL && on == 0);
    puts_(w, "empty");
    return 0;
  }
  if (cmd(in, len, "big", &a, &n)) {
    if (merged_Big(w->ctx, a, n, &o, &on) != 0 || !big_ok(o, on, (size_t)num(a, n)))
      return 1;
    puts_(w, "big");
    return 0;
  }
  if (cmd(in, len, "bin", &a, &n)) { /* NULs and high bytes, both ways */
    static const char bin[] = "\0a\0\0b\xff\x80\0";
    if (merged_Cat(w->ctx, bin, sizeof bin, &o, &on) != 0 || on != sizeof bin ||
        memcmp(o, bin, sizeof bin) != 0)
      return 1;
    put(w, o, on);
    return 0;
  }
  if (cmd(in, len, "rec", &a, &n))
    return rec_level(w, "F", "rec", num(a, n), merged_Bar);
  if (cmd(in, len, "self", &a, &n)) {
    if (merged_Bar(w->ctx, in, len, &o, &on) != 0)
      return 1;
    put(w, o, on);
    return 0;
  }
  if (cmd(in, len, "keep", &a, &n))
    return foo_keep(w, num(a, n));
  if (cmd(in, len, "region", &a, &n))
    return foo_region(w, num(a, n));
  if (cmd(in, len, "nestmany", &a, &n))
    return foo_nestmany(w, num(a, n));
  if (cmd(in, len, "slow", &a, &n)) {
    if (merged_Slow(w->ctx, "", 0, &o, &on) != 0)
      return 1;
    put(w, o, on);
    return 0;
  }
  if (cmd(in, len, "slots", &a, &n)) { /* S<k>, S<k+1>, ... in that order */
    long k = num(a, n);
    for (long j = 0; j < 8; j++)
      if (__faasfuse_call(slot_descs[(k + j) % 8], w->ctx, "", 0, &o, &on) != 0)
        return 1;
      else
        put(w, o, on);
    return 0;
  }
  if (cmd(in, len, "badinit", &a, &n)) {
    for (int i = 0; i < 2; i++) {
      o = "junk";
      on = 4;
      CHECK(merged_BadInit(w->ctx, "", 0, &o, &on) == -1 && o == NULL && on == 0);
    }
    return 0;
  }
  if (cmd(in, len, "badcreate", &a, &n)) {
    for (int i = 0; i < 2; i++) {
      o = "junk";
      on = 4;
      CHECK(merged_BadCreate(w->ctx, "", 0, &o, &on) == -1 && o == NULL && on == 0);
    }
    return 0;
  }
  if (cmd(in, len, "flaky", &a, &n)) {
    o = "junk";
    on = 4;
    CHECK(merged_Flaky(w->ctx, "", 0, &o, &on) == -1 && o == NULL && on == 0);
    CHECK(merged_Flaky(w->ctx, "", 0, &o, &on) == 0 && is(o, on, "flaky"));
    return 0;
  }
  if (cmd(in, len, "ret", &a, &n)) { /* makes a merged call, then fails */
    if (merged_Cat(w->ctx, "r", 1, &o, &on) != 0)
      return 1;
    puts_(w, "partial");
    return (int)num(a, n);
  }
  if (cmd(in, len, "limit", &a, &n))
    return foo_limit(w);
  if (cmd(in, len, "lend", &a, &n))
    return foo_lend(w);
  /* "phoenix:X", "pyre:X": Phoenix called on X from Foo, or from Pyre;
   * answers "<rc>:<output>". */
  int phoenix = cmd(in, len, "phoenix", &a, &n);
  if (phoenix || cmd(in, len, "pyre", &a, &n)) {
    char head[16];
    int rc = (phoenix ? merged_Phoenix : merged_Pyre)(w->ctx, a, n, &o, &on);
    snprintf(head, sizeof head, "%d:", rc);
    puts_(w, head);
    if (rc == 0)
      put(w, o, on);
    return 0;
  }
  /* "table:Name" / "linked:Name": a call to Name, named at run time, with
   * input "dyn"; answers "<rc>:<output>". */
  int table = cmd(in, len, "table", &a, &n);
  if (table || cmd(in, len, "linked", &a, &n)) {
    char name[32], head[16];
    snprintf(name, sizeof name, "%.*s", (int)n, a);
    o = "junk";
    on = 4;
    int rc = __faasfuse_dispatch(table ? dispatch_table : NULL,
                                 table ? sizeof dispatch_table / sizeof *dispatch_table : 0,
                                 w->ctx, name, "dyn", 3, &o, &on);
    snprintf(head, sizeof head, "%d:", rc);
    puts_(w, head);
    if (rc != 0 && (o != NULL || on != 0))
      puts_(w, "(output on failure)");
    put(w, o, on);
    return 0;
  }
  return 99;
}

/* ---------------------------------------------------------------------- */
/* Host-side helpers                                                       */

static void *new_root(struct faasfuse_callee *entry, struct host *h) {
  void *root = NULL;
  int rc = __faasfuse_entry_create(entry, h, host_invoke, host_append, &root);
  CHECK(rc == 0 && root != NULL);
  return root;
}

/* One request to Foo's entry worker, as Nightcore would make it. */
static int request(void *root, struct host *h, const char *in) {
  h->len = 0;
  return __faasfuse_entry_call(&desc_Foo, root, in, strlen(in));
}

static int destroy_root(void *root) {
  return __faasfuse_entry_destroy(&desc_Foo, root);
}

/* ---------------------------------------------------------------------- */
/* Groups                                                                  */

/* The descriptor is an ABI with the pass (LP64). */
_Static_assert(offsetof(struct faasfuse_callee, name) == 0, "name");
_Static_assert(offsetof(struct faasfuse_callee, init) == 8, "init");
_Static_assert(offsetof(struct faasfuse_callee, create) == 16, "create");
_Static_assert(offsetof(struct faasfuse_callee, destroy) == 24, "destroy");
_Static_assert(offsetof(struct faasfuse_callee, call) == 32, "call");
_Static_assert(offsetof(struct faasfuse_callee, state) == 40, "state");
_Static_assert(offsetof(struct faasfuse_callee_state, init_state) == 0, "init_state");
_Static_assert(offsetof(struct faasfuse_callee_state, slot) == 4, "slot");
_Static_assert(offsetof(struct faasfuse_callee, flags) == 48, "flags");
_Static_assert(sizeof(struct faasfuse_callee) == 56, "size");

/* A callee that may write its input reads a copy: the caller's bytes stay
 * as they were, for small and large inputs, call after call. */
static void group_copy_input(void) {
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);
  const char *out;
  size_t outlen;
  char small[] = "hello";
  for (int round = 0; round < 2; round++) {
    CHECK(__faasfuse_call(&desc_ScribbleCopy, root, small, 5, &out, &outlen) == 0);
    CHECK(outlen == 5 && memcmp(out, "HELLO", 5) == 0 && strcmp(small, "hello") == 0);
  }
  size_t n = LIMIT_BUILD ? 90 : 100000; /* the limit build's outputs stop at 100 */
  char *big = malloc(n);
  CHECK(big != NULL);
  if (big != NULL) {
    memset(big, 'x', n);
    CHECK(__faasfuse_call(&desc_ScribbleCopy, root, big, n, &out, &outlen) == 0);
    CHECK(outlen == n && out[0] == 'X' && out[n - 1] == 'X');
    CHECK(big[0] == 'x' && big[n - 1] == 'x');
    /* The worker keeps the large copy's buffer for its next calls (up to
     * 4 MiB): the same memory, no fresh pages, for a smaller input too. */
    const char *first = scribble_input;
    CHECK(__faasfuse_call(&desc_ScribbleCopy, root, big, n, &out, &outlen) == 0);
    CHECK(outlen == n && scribble_input == first && big[0] == 'x');
    char again[] = "again";
    CHECK(__faasfuse_call(&desc_ScribbleCopy, root, again, 5, &out, &outlen) == 0);
    CHECK(scribble_input == first && strcmp(again, "again") == 0);
    free(big);
  }
  CHECK(__faasfuse_call(&desc_ScribbleCopy, root, "", 0, &out, &outlen) == 0 && outlen == 0);
  /* Without the flag, the callee gets the caller's own bytes. */
  CHECK(__faasfuse_call(&desc_Scribble, root, small, 5, &out, &outlen) == 0);
  CHECK(strcmp(small, "HELLO") == 0);
  CHECK(destroy_root(root) == 0);
  host_fini(&h);
}

static void group_basics(void) {
  struct host h;
  host_init(&h);

  /* Init once, shared by every way Foo is reached. */
  CHECK(__faasfuse_entry_init(&desc_Foo) == 0);
  CHECK(__faasfuse_entry_init(&desc_Foo) == 0);
  CHECK(__faasfuse_entry_init(&desc_FooAlias) == 0);
  CHECK(atomic_load(&st_Foo.init) == 1);

  void *root = new_root(&desc_Foo, &h);
  CHECK(atomic_load(&st_Foo.create) == 1 && atomic_load(&st_Foo.bad_cb) == 0);

  /* The entry's code got the root as its caller_context. */
  CHECK(request(root, &h, "whoami") == 0 && h.len == sizeof root &&
        memcmp(h.out, &root, sizeof root) == 0);

  /* A merged call: output concatenated, and no RPC reached the host. */
  CHECK(request(root, &h, "echo:hello, world") == 0 && HOST_IS(&h, "Foo[hello, world]"));
  CHECK(request(root, &h, "echo") == 0 && HOST_IS(&h, "Foo[]"));
  CHECK(request(root, &h, "three") == 0 && HOST_IS(&h, "AAABBBCCC"));
  CHECK(request(root, &h, "bin") == 0 && host_is(&h, "\0a\0\0b\xff\x80\0", 9));
  CHECK(h.invokes == 0);

  /* Empty output is NULL/0; failures drop output and return -1. */
  CHECK(request(root, &h, "empty") == 0 && HOST_IS(&h, "empty"));
  CHECK(atomic_load(&nocreate_bad_handle) == 0);
  CHECK(request(root, &h, "fail") == 0 && HOST_IS(&h, "failed"));
  if (!LIMIT_BUILD) {
    CHECK(request(root, &h, "big:100000") == 0 && HOST_IS(&h, "big"));
    CHECK(request(root, &h, "big:1") == 0 && HOST_IS(&h, "big"));
    CHECK(request(root, &h, "big:3000000") == 0 && HOST_IS(&h, "big"));
  }

  /* Unmerged names go to the host with its own caller_context. */
  CHECK(request(root, &h, "remote:xyz") == 0 && HOST_IS(&h, "host:Remote:xyz"));
  CHECK(h.invokes == 1 && strcmp(h.name, "Remote") == 0 && h.input_len == 3 &&
        memcmp(h.input, "xyz", 3) == 0);
  CHECK(request(root, &h, "missing") == 0 && HOST_IS(&h, "missing"));
  CHECK(h.invokes == 2 && strcmp(h.name, "Missing") == 0);

  /* ...also from inside a merged callee. */
  CHECK(request(root, &h, "nest:abc") == 0 && HOST_IS(&h, "Foo[[abc|host:Remote:r]]"));
  CHECK(h.invokes == 4 && strcmp(h.name, "Missing") == 0);
  CHECK(atomic_load(&host_bad_ctx) == 0);

  /* The entry's result comes back unchanged; its appends reached the host. */
  CHECK(request(root, &h, "ret:7") == 7 && HOST_IS(&h, "partial"));
  CHECK(request(root, &h, "ret:0") == 0);
  CHECK(request(root, &h, "no-such-command") == 99);

  /* Workers are pooled: one per callee for this root. */
  CHECK(atomic_load(&st_Cat.create) == 1 && atomic_load(&st_Nest.create) == 1 &&
        atomic_load(&st_Fail.create) == 1);

  /* Destroy: every callee worker, then the entry's own. */
  int foo_destroyed = atomic_load(&st_Foo.destroy);
  atomic_store(&st_Foo.destroy_result, 9);
  CHECK(destroy_root(root) == 9);
  atomic_store(&st_Foo.destroy_result, 0);
  CHECK(atomic_load(&st_Foo.destroy) == foo_destroyed + 1);
  CHECK(atomic_load(&st_Cat.destroyed_at) < atomic_load(&st_Foo.destroyed_at));
  for (size_t i = 0; i < sizeof all_stats / sizeof all_stats[0]; i++)
    CHECK(live(all_stats[i]) == 0);
  CHECK(atomic_load(&st_Cat.destroy) == 1 && atomic_load(&st_Nest.destroy) == 1);
  host_fini(&h);
}

static void group_failures(void) {
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);

  /* A failing init fails every call, and runs once. */
  atomic_store(&st_BadInit.init_result, 3);
  CHECK(request(root, &h, "badinit") == 0);
  CHECK(request(root, &h, "badinit") == 0);
  CHECK(atomic_load(&st_BadInit.init) == 1 && atomic_load(&st_BadInit.tries) == 0);

  /* A failing create fails the call and pools nothing. */
  atomic_store(&st_BadCreate.create_fail, 1000);
  CHECK(request(root, &h, "badcreate") == 0);
  CHECK(atomic_load(&st_BadCreate.tries) == 2 && atomic_load(&st_BadCreate.destroy) == 0);
  atomic_store(&st_Flaky.create_fail, 1);
  CHECK(request(root, &h, "flaky") == 0);
  CHECK(atomic_load(&st_Flaky.tries) == 2 && atomic_load(&st_Flaky.create) == 1);

  /* The same rules for an entry. */
  atomic_store(&st_BadEntryInit.init_result, 4);
  CHECK(__faasfuse_entry_init(&desc_BadEntryInit) == 4);
  CHECK(__faasfuse_entry_init(&desc_BadEntryInit) != 0);
  void *handle = NULL;
  CHECK(__faasfuse_entry_create(&desc_BadEntryInit, &h, host_invoke, host_append,
                                &handle) != 0 && handle == NULL);
  CHECK(atomic_load(&st_BadEntryInit.init) == 1 &&
        atomic_load(&st_BadEntryInit.tries) == 0);
  atomic_store(&st_BadEntryCreate.create_fail, 1);
  CHECK(__faasfuse_entry_create(&desc_BadEntryCreate, &h, host_invoke, host_append,
                                &handle) != 0 && handle == NULL);
  CHECK(atomic_load(&st_BadEntryCreate.tries) == 1);

  /* A host without invoke: unmerged calls fail, merged ones still work. */
  void *bare = NULL;
  CHECK(__faasfuse_entry_create(&desc_Foo, &h, NULL, host_append, &bare) == 0);
  CHECK(request(bare, &h, "remote:x") == 1);
  CHECK(request(bare, &h, "echo:x") == 0 && HOST_IS(&h, "Foo[x]"));
  CHECK(destroy_root(bare) == 0);

  CHECK(destroy_root(root) == 0);
  CHECK(live(&st_Flaky) == 0 && live(&st_BadCreate) == 0);
  host_fini(&h);
}

static void group_lifetime(void) {
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);

  /* 1000 outputs held at once, all intact until Foo returns... */
  CHECK(request(root, &h, "keep:1000") == 0 && HOST_IS(&h, "kept"));
  /* ...and freed then: 20 more requests leave the heap where it was. */
  size_t before = heap_in_use();
  for (int i = 0; i < 20; i++)
    CHECK(request(root, &h, "keep:1000") == 0);
  size_t after = heap_in_use();
  CHECK(after < before || after - before < 256 * 1024); /* leak: >1.6 MB */
  if (before == 0 && after == 0)
    printf("lifetime: heap accounting unavailable here, heap checks trivial\n");

  /* Outputs an entry kept are the next request's buffers (a region): the
   * second request writes into the first one's memory, allocating none... */
  if (!LIMIT_BUILD) {
    static const char *first[64];
    CHECK(request(root, &h, "region:64") == 0 && HOST_IS(&h, "region"));
    memcpy(first, region_outs, sizeof first);
    before = heap_in_use();
    CHECK(request(root, &h, "region:64") == 0 && HOST_IS(&h, "region"));
    after = heap_in_use();
    CHECK(after == before);
    qsort(first, 64, sizeof *first, ptr_order);
    qsort(region_outs, 64, sizeof *region_outs, ptr_order);
    CHECK(memcmp(first, region_outs, sizeof first) == 0);
    /* ...up to FAASFUSE_RT_SPARE_BYTES (32 MiB): of 40 MiB, the rest is freed. */
    CHECK(request(root, &h, "region:640") == 0 && HOST_IS(&h, "region"));
    after = heap_in_use();
    CHECK(after < before || after - before <= ((size_t)32 << 20) + (1 << 20));
  }

  /* Lent outputs, through other callers, throws and sizes; a request over
   * and over leaves the heap where it was. */
  CHECK(request(root, &h, "lend") == 0 && HOST_IS(&h, "lent"));
  before = heap_in_use();
  for (int i = 0; i < 20; i++)
    CHECK(request(root, &h, "lend") == 0 && HOST_IS(&h, "lent"));
  after = heap_in_use();
  CHECK(after < before || after - before < 64 * 1024);

  /* A context remembers the worker it called last, which the next call
   * starts from when nothing of it is lent. A throw discards Phoenix's
   * worker, and the next one may take its address (rt-unit.test runs this
   * again with glibc's tcache off, where it does): calls after it must run
   * on the new worker's handle, from the root's context and from a callee
   * worker's (Pyre's), each in a request of its own. */
  int phoenix_created = atomic_load(&st_Phoenix.create);
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 3; i++) {
      CHECK(request(root, &h, "phoenix:ok") == 0 && HOST_IS(&h, "0:ok"));
      CHECK(request(root, &h, "pyre:ok") == 0 && HOST_IS(&h, "0:ok"));
    }
    CHECK(request(root, &h, round % 2 ? "pyre:x" : "phoenix:x") == 0 && HOST_IS(&h, "-1:"));
  }
  CHECK(atomic_load(&st_Phoenix.create) - phoenix_created == 3);

  /* An entry's destroy may make merged calls. Its callee workers are
   * dropped before it runs, so a worker it creates may take the address of
   * the one its context called last: the next call must not run on that
   * one's handle. */
  {
    struct host h2;
    host_init(&h2);
    void *r2 = new_root(&desc_Foo, &h2);
    for (int i = 0; i < 2; i++) /* the second call is remembered */
      CHECK(request(r2, &h2, "phoenix:none") == 0 && HOST_IS(&h2, "0:"));
    atomic_store(&foo_destroy_failed, 0);
    atomic_store(&foo_destroy_flushes, 1);
    CHECK(destroy_root(r2) == 0);
    atomic_store(&foo_destroy_flushes, 0);
    CHECK(atomic_load(&foo_destroy_failed) == 0);
    host_fini(&h2);
  }

  /* A callee's own nested outputs are freed when its call returns. */
  if (!LIMIT_BUILD)
    CHECK(request(root, &h, "nestmany:2000") == 0 && HOST_IS(&h, "nested"));

  /* Outputs are freed when the entry fails, too. */
  before = heap_in_use();
  for (int i = 0; i < 1000; i++)
    request(root, &h, "ret:3");
  after = heap_in_use();
  CHECK(after < before || after - before < 16 * 1024);

  CHECK(destroy_root(root) == 0);
  host_fini(&h);
}

static void group_recursion(void) {
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);
  int foo0 = atomic_load(&st_Foo.create), bar0 = atomic_load(&st_Bar.create);

  /* Foo -> Bar -> Foo -> Bar: each level's output kept apart. */
  CHECK(request(root, &h, "rec:3") == 0 && HOST_IS(&h, "F3[B2[F1[B0[]]]]"));
  CHECK(atomic_load(&st_Bar.create) - bar0 == 2);
  CHECK(atomic_load(&st_Foo.create) - foo0 == 1); /* Foo by name: a worker */
  /* Again: the same workers, from the pool. */
  CHECK(request(root, &h, "rec:3") == 0 && HOST_IS(&h, "F3[B2[F1[B0[]]]]"));
  CHECK(atomic_load(&st_Bar.create) - bar0 == 2);
  CHECK(request(root, &h, "rec:9") == 0 &&
        HOST_IS(&h, "F9[B8[F7[B6[F5[B4[F3[B2[F1[B0[]]]]]]]]]]"));
  CHECK(atomic_load(&st_Bar.create) - bar0 == 5);
  CHECK(atomic_load(&st_Foo.create) - foo0 == 4);

  /* Bar -> Bar -> Bar -> Bar. */
  CHECK(request(root, &h, "self:3") == 0 && HOST_IS(&h, "S3[S2[S1[S0[]]]]"));
  CHECK(atomic_load(&st_Bar.create) - bar0 == 5);

  CHECK(atomic_load(&st_Foo.init) == 1);
  CHECK(atomic_load(&st_Foo.reentered) == 0 && atomic_load(&st_Bar.reentered) == 0);
  CHECK(destroy_root(root) == 0);
  CHECK(live(&st_Foo) == 0 && live(&st_Bar) == 0);
  host_fini(&h);
}

static void group_bogus(void) {
  /* Contexts the runtime never made: fail with -1, never crash. */
  uint64_t junk[32], copy[32];
  memset(junk, 0xab, sizeof junk);
  memcpy(copy, junk, sizeof junk);
  const char *o = "junk";
  size_t n = 4;
  int calls = atomic_load(&st_Cat.calls);
  CHECK(__faasfuse_call(&desc_Cat, junk, "x", 1, &o, &n) == -1 && o == NULL && n == 0);
  o = "junk";
  n = 4;
  CHECK(__faasfuse_call(&desc_Cat, NULL, "x", 1, &o, &n) == -1 && o == NULL && n == 0);
  CHECK(atomic_load(&st_Cat.calls) == calls);
  o = "junk";
  n = 4;
  CHECK(__faasfuse_invoke(junk, "Remote", "x", 1, &o, &n) == -1 && o == NULL && n == 0);
  CHECK(__faasfuse_invoke(NULL, "Remote", "x", 1, &o, &n) == -1 && o == NULL && n == 0);
  __faasfuse_append(junk, "x", 1);
  __faasfuse_append(NULL, "x", 1);
  CHECK(memcmp(junk, copy, sizeof junk) == 0);
  CHECK(__faasfuse_entry_call(&desc_Foo, junk, "echo:x", 6) == -1);
  CHECK(__faasfuse_entry_call(&desc_Foo, NULL, "echo:x", 6) == -1);
  CHECK(__faasfuse_entry_destroy(&desc_Foo, junk) == -1);
  CHECK(__faasfuse_entry_destroy(&desc_Foo, NULL) == -1);
  CHECK(memcmp(junk, copy, sizeof junk) == 0);
  CHECK(atomic_load(&host_bad_ctx) == 0);
}

/* 8 threads, each with its own root, 10^4 requests each. */
enum { NTHREADS = 8, NREQUESTS = 10000 };

static void *thread_requests(void *arg) {
  int id = (int)(intptr_t)arg, errors = 0;
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);
  char in[64], want[64];
  for (int i = 0; i < NREQUESTS; i++) {
    snprintf(in, sizeof in, "echo:t%d-%d", id, i);
    int wn = snprintf(want, sizeof want, "Foo[t%d-%d]", id, i);
    if (request(root, &h, in) != 0 || !host_is(&h, want, (size_t)wn))
      errors++;
    if (i % 100 == 0 &&
        (request(root, &h, "rec:2") != 0 || !HOST_IS(&h, "F2[B1[F0[]]]")))
      errors++;
  }
  CHECK(errors == 0);
  CHECK(destroy_root(root) == 0);
  host_fini(&h);
  return NULL;
}

static void group_threads(void) {
  int cat0 = atomic_load(&st_Cat.create), bar0 = atomic_load(&st_Bar.create);
  pthread_t t[NTHREADS];
  for (int i = 0; i < NTHREADS; i++)
    CHECK(pthread_create(&t[i], NULL, thread_requests, (void *)(intptr_t)i) == 0);
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(t[i], NULL);
  /* One worker per callee per root: pools are per root, and reused. */
  CHECK(atomic_load(&st_Cat.create) - cat0 == NTHREADS);
  CHECK(atomic_load(&st_Bar.create) - bar0 == NTHREADS);
  CHECK(live(&st_Cat) == 0 && live(&st_Bar) == 0 && live(&st_Foo) == 0);
  CHECK(atomic_load(&st_Cat.reentered) == 0);
}

/* 8 threads race: entry init, root creation, a callee's first init, and the
 * first use (slot assignment) of eight descriptors. */
static pthread_barrier_t race_barrier;

static void *thread_race(void *arg) {
  int id = (int)(intptr_t)arg;
  struct host h;
  host_init(&h);
  pthread_barrier_wait(&race_barrier);
  CHECK(__faasfuse_entry_init(&desc_Race) == 0);
  void *root = new_root(&desc_Foo, &h);
  pthread_barrier_wait(&race_barrier);
  CHECK(request(root, &h, "slow") == 0 && HOST_IS(&h, "slow"));
  char in[16], want[32] = "";
  snprintf(in, sizeof in, "slots:%d", id);
  for (int j = 0; j < 8; j++)
    snprintf(want + strlen(want), sizeof want - strlen(want), "S%d", (id + j) % 8);
  CHECK(request(root, &h, in) == 0 && host_is(&h, want, strlen(want)));
  CHECK(destroy_root(root) == 0);
  host_fini(&h);
  return NULL;
}

static void group_init_race(void) {
  atomic_store(&st_Slow.init_sleep_us, 20000);
  atomic_store(&st_Race.init_sleep_us, 20000);
  pthread_barrier_init(&race_barrier, NULL, NTHREADS);
  pthread_t t[NTHREADS];
  for (int i = 0; i < NTHREADS; i++)
    CHECK(pthread_create(&t[i], NULL, thread_race, (void *)(intptr_t)i) == 0);
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(t[i], NULL);
  pthread_barrier_destroy(&race_barrier);
  CHECK(atomic_load(&st_Slow.init) == 1);
  CHECK(atomic_load(&st_Race.init) == 1);
  CHECK(atomic_load(&st_Slow.create) == NTHREADS);
  for (int i = 0; i < 8; i++) {
    CHECK(atomic_load(&slot_stats[i]->init) == 1);
    CHECK(slot_descs[i]->state->slot > 0 && slot_descs[i]->state->init_state == 1);
    for (int j = 0; j < i; j++)
      CHECK(slot_descs[i]->state->slot != slot_descs[j]->state->slot);
  }
}

/* Callee workers belong to their root and live as long as it does: the
 * exit of the thread that created the root (or ran calls on it) destroys
 * nothing, another thread goes on using the same workers, and a thread
 * exiting while another runs a call on the root changes nothing. */
struct exit_arg {
  struct host *h;
  void *root;
  sem_t made, done;
};

static void *thread_makes_root(void *arg) {
  struct exit_arg *a = arg;
  a->root = new_root(&desc_Foo, a->h);
  CHECK(request(a->root, a->h, "rec:3") == 0 && HOST_IS(a->h, "F3[B2[F1[B0[]]]]"));
  return NULL;
}

static void *thread_calls_then_exits(void *arg) {
  struct exit_arg *a = arg;
  CHECK(request(a->root, a->h, "rec:1") == 0 && HOST_IS(a->h, "F1[B0[]]"));
  sem_post(&a->made);
  return NULL;
}

static void group_thread_exit(void) {
  struct host h;
  host_init(&h);
  struct exit_arg a = {.h = &h};
  int foo0 = live(&st_Foo), bar_created = atomic_load(&st_Bar.create),
      bar_destroyed = atomic_load(&st_Bar.destroy);
  pthread_t t;

  CHECK(pthread_create(&t, NULL, thread_makes_root, &a) == 0);
  pthread_join(t, NULL);
  /* The creator is gone: its root's callee workers are all still there. */
  CHECK(atomic_load(&st_Bar.destroy) == bar_destroyed);
  CHECK(live(&st_Bar) == 2 && live(&st_Foo) == foo0 + 2);
  /* This thread reuses them: no create, no destroy. */
  CHECK(request(a.root, &h, "rec:3") == 0 && HOST_IS(&h, "F3[B2[F1[B0[]]]]"));
  CHECK(atomic_load(&st_Bar.create) - bar_created == 2);
  CHECK(atomic_load(&st_Bar.destroy) == bar_destroyed);

  /* Another thread runs a call on the root and exits; the root goes on. */
  sem_init(&a.made, 0, 0);
  CHECK(pthread_create(&t, NULL, thread_calls_then_exits, &a) == 0);
  sem_wait(&a.made);
  pthread_join(t, NULL);
  CHECK(live(&st_Bar) == 2 && atomic_load(&st_Bar.destroy) == bar_destroyed);
  CHECK(request(a.root, &h, "rec:3") == 0 && HOST_IS(&h, "F3[B2[F1[B0[]]]]"));
  CHECK(atomic_load(&st_Bar.create) - bar_created == 2);

  /* Only the entry worker's destruction ends them. */
  CHECK(destroy_root(a.root) == 0);
  CHECK(atomic_load(&st_Bar.destroy) - bar_destroyed == 2);
  CHECK(live(&st_Foo) == foo0 && live(&st_Bar) == 0 && live(&st_Cat) == 0);
  sem_destroy(&a.made);
  host_fini(&h);
}

static void group_limit(void) {
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);
  CHECK(request(root, &h, "limit") == 0 && HOST_IS(&h, "limit"));
  CHECK(destroy_root(root) == 0);
  host_fini(&h);
}

static void group_dispatch(void) {
  struct host h;
  host_init(&h);
  void *root = new_root(&desc_Foo, &h);
  int cat_calls = atomic_load(&st_Cat.calls);

  /* Names in the table are merged calls; the rest go to the host. */
  CHECK(request(root, &h, "table:Cat") == 0 && HOST_IS(&h, "0:dyn"));
  CHECK(request(root, &h, "table:Three") == 0 && HOST_IS(&h, "0:AAABBBCCC"));
  CHECK(request(root, &h, "table:Empty") == 0 && HOST_IS(&h, "0:"));
  CHECK(request(root, &h, "table:Fail") == 0 && HOST_IS(&h, "-1:"));
  CHECK(atomic_load(&st_Cat.calls) == cat_calls + 1 && h.invokes == 0);
  CHECK(request(root, &h, "table:Remote") == 0 && HOST_IS(&h, "0:host:Remote:dyn"));
  CHECK(request(root, &h, "table:Missing") == 0 && HOST_IS(&h, "-1:"));
  CHECK(request(root, &h, "table:Ca") == 0 && HOST_IS(&h, "0:host:Ca:dyn"));
  CHECK(request(root, &h, "table:Catt") == 0 && HOST_IS(&h, "0:host:Catt:dyn"));
  CHECK(request(root, &h, "table:") == 0 && HOST_IS(&h, "0:host::dyn"));
  CHECK(h.invokes == 5);

  /* Without a table: the descriptors registered in the section. */
  CHECK(request(root, &h, "linked:Cat") == 0 && HOST_IS(&h, "0:dyn"));
  CHECK(request(root, &h, "linked:Three") == 0 && HOST_IS(&h, "0:AAABBBCCC"));
  CHECK(request(root, &h, "linked:Fail") == 0 && HOST_IS(&h, "0:host:Fail:dyn"));
  CHECK(atomic_load(&st_Cat.calls) == cat_calls + 2 && h.invokes == 6);
  CHECK(atomic_load(&host_bad_ctx) == 0);

  CHECK(destroy_root(root) == 0);
  host_fini(&h);
}

/* __faasfuse_lookup: the index of a name in the sorted table, or -1; the
 * site cache is a guess that may be stale, out of range or raced on. */
#define NTABLE (sizeof dispatch_table / sizeof *dispatch_table)
static void group_lookup(void) {
  static const char *const names[] = {"Cat", "Empty", "Fail", "Three"};
  uintptr_t cache = 0;
  for (size_t i = 0; i < NTABLE; i++) {
    CHECK(__faasfuse_lookup(dispatch_table, NTABLE, names[i], NULL) == (long)i);
    CHECK(__faasfuse_lookup(dispatch_table, NTABLE, names[i], &cache) == (long)i);
    CHECK(cache == i + 1);
    /* A copy of the name (another pointer) matches the same way. */
    char copy[16];
    snprintf(copy, sizeof copy, "%s", names[i]);
    CHECK(__faasfuse_lookup(dispatch_table, NTABLE, copy, &cache) == (long)i);
  }
  static const char *const misses[] = {"Ca", "Catt", "", "cat", "Three ", "Zebra", "A"};
  for (size_t i = 0; i < sizeof misses / sizeof *misses; i++) {
    cache = 2;
    CHECK(__faasfuse_lookup(dispatch_table, NTABLE, misses[i], &cache) == -1);
    CHECK(cache == 2); /* a miss leaves the last match */
  }
  CHECK(__faasfuse_lookup(dispatch_table, NTABLE, NULL, &cache) == -1);
  CHECK(__faasfuse_lookup(dispatch_table, 0, "Cat", &cache) == -1);
  /* Stale or garbage cache words never give a wrong match. */
  uintptr_t junk[] = {0, 1, 4, 5, 99, UINTPTR_MAX, UINTPTR_MAX / 2};
  for (size_t j = 0; j < sizeof junk / sizeof *junk; j++)
    for (size_t i = 0; i < NTABLE; i++) {
      cache = junk[j];
      CHECK(__faasfuse_lookup(dispatch_table, NTABLE, names[i], &cache) == (long)i);
      cache = junk[j];
      CHECK(__faasfuse_lookup(dispatch_table, NTABLE, "Dog", &cache) == -1);
    }
  /* A table of one, and a smaller n than the table: only the first n count. */
  CHECK(__faasfuse_lookup(dispatch_table, 1, "Cat", NULL) == 0);
  CHECK(__faasfuse_lookup(dispatch_table, 1, "Three", NULL) == -1);
  cache = 4; /* "Three", past n */
  CHECK(__faasfuse_lookup(dispatch_table, 2, "Three", &cache) == -1);
}

static uintptr_t shared_cache;
static void *thread_lookups(void *arg) {
  static const char *const names[] = {"Cat", "Empty", "Fail", "Three", "Dog"};
  size_t k = (size_t)(intptr_t)arg % 5;
  long want = k < 4 ? (long)k : -1, bad = 0;
  for (int i = 0; i < 100000; i++)
    bad += __faasfuse_lookup(dispatch_table, NTABLE, names[k], &shared_cache) != want;
  return (void *)(intptr_t)bad;
}

static void group_lookup_threads(void) {
  pthread_t t[5];
  for (int i = 0; i < 5; i++)
    CHECK(pthread_create(&t[i], NULL, thread_lookups, (void *)(intptr_t)i) == 0);
  for (int i = 0; i < 5; i++) {
    void *bad = NULL;
    CHECK(pthread_join(t[i], &bad) == 0);
    CHECK(bad == NULL);
  }
}

static void group_invariants(void) {
  for (size_t i = 0; i < sizeof all_stats / sizeof all_stats[0]; i++) {
    struct stats *st = all_stats[i];
    CHECK(live(st) == 0);
    CHECK(atomic_load(&st->reentered) == 0);
    CHECK(atomic_load(&st->bad_cb) == 0);
    CHECK(atomic_load(&st->init) <= 1);
  }
  CHECK(atomic_load(&host_bad_ctx) == 0);
}

int main(void) {
  run_group("basics", group_basics);
  run_group("failures", group_failures);
  run_group("lifetime", group_lifetime);
  run_group("recursion", group_recursion);
  run_group("bogus-contexts", group_bogus);
  run_group("dispatch", group_dispatch);
  run_group("lookup", group_lookup);
  run_group("lookup-threads", group_lookup_threads);
  run_group("threads", group_threads);
  run_group("init-race", group_init_race);
  run_group("thread-exit", group_thread_exit);
  run_group("copy-input", group_copy_input);
  if (LIMIT_BUILD)
    run_group("output-limit", group_limit);
  /* Again, with the appends the pass makes direct. */
  for (direct_appends = 1; direct_appends <= 2; direct_appends++) {
    run_group(direct_appends == 1 ? "direct-worker: lifetime" : "direct-entry: lifetime",
              group_lifetime);
    run_group(direct_appends == 1 ? "direct-worker: recursion" : "direct-entry: recursion",
              group_recursion);
    run_group(direct_appends == 1 ? "direct-worker: copy-input" : "direct-entry: copy-input",
              group_copy_input);
    if (LIMIT_BUILD)
      run_group(direct_appends == 1 ? "direct-worker: output-limit"
                                    : "direct-entry: output-limit", group_limit);
  }
  direct_appends = 0;
  run_group("invariants", group_invariants);
  free(grave);
  int f = atomic_load(&n_fail);
  printf("total: %d passed, %d failed\n", atomic_load(&n_pass), f);
  return f != 0;
}
