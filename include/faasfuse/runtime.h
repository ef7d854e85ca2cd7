/*
 * The faasfuse runtime: what merged code calls at run time.
 *
 * The pass links runtime/faasfuse_rt.c (as bitcode) into every merged module
 * and emits, for each merged Nightcore function, one `struct faasfuse_callee`
 * descriptor. The layout below is an ABI between the pass and the runtime:
 * pass/prepare_callee.c builds the same struct as an IR constant, and
 * tests/runtime checks the two agree. Change both or neither.
 */
#ifndef FAASFUSE_RUNTIME_H
#define FAASFUSE_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "faas/worker_v1_interface.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the runtime writes about a merged function: zero-initialised. */
struct faasfuse_callee_state {
  int32_t init_state; /* 0 none, 1 ok, 2 failed */
  int32_t slot;       /* pool index + 1 */
};

/* One merged function (a prepared callee, or the module's own entry). The
 * pass emits it as a constant, so that once the runtime's fast path is
 * inlined into a wrapper, the call of the callee is a direct call. */
struct faasfuse_callee {
  const char *name; /* Nightcore name, NUL-terminated; "" for an unnamed entry */
  int (*init)(void);                     /* the callee's faas_init, or NULL */
  int (*create)(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                faas_append_output_fn_t append_output_fn,
                void **worker_handle);   /* faas_create_func_worker, or NULL */
  int (*destroy)(void *worker_handle);   /* faas_destroy_func_worker, or NULL */
  int (*call)(void *worker_handle, const char *input,
              size_t input_length);      /* faas_func_call, never NULL */
  struct faasfuse_callee_state *state; /* runtime-owned */
  uint64_t flags;                      /* FAASFUSE_CALLEE_*, set by the pass */
};

/* The callee may write through its input (the pass could not prove it does
 * not): it gets a copy, as every Nightcore function does, so the caller's
 * buffer stays as it was. */
#define FAASFUSE_CALLEE_COPY_INPUT ((uint64_t)1)

/* Names of the runtime symbols the pass refers to. */
#define FAASFUSE_RT_INVOKE "__faasfuse_invoke"
#define FAASFUSE_RT_APPEND "__faasfuse_append"
#define FAASFUSE_RT_ROOT_APPEND "__faasfuse_root_append"
#define FAASFUSE_RT_WORKER_APPEND "__faasfuse_worker_append"
#define FAASFUSE_RT_ENTRY_APPEND "__faasfuse_entry_append"
#define FAASFUSE_RT_CALL "__faasfuse_call"
#define FAASFUSE_RT_DISPATCH "__faasfuse_dispatch"
#define FAASFUSE_RT_LOOKUP "__faasfuse_lookup"
#define FAASFUSE_RT_CAUGHT "__faasfuse_caught"
#define FAASFUSE_RT_ENTRY_INIT "__faasfuse_entry_init"
#define FAASFUSE_RT_ENTRY_CREATE "__faasfuse_entry_create"
#define FAASFUSE_RT_ENTRY_DESTROY "__faasfuse_entry_destroy"
#define FAASFUSE_RT_ENTRY_CALL "__faasfuse_entry_call"

/* Not linked: what the runtime's source calls for a copy into a buffer it
 * owns, made a tagged memcpy when the runtime is built (annotate_runtime.c). */
#define FAASFUSE_RT_COPY_OUT "__faasfuse_rt_copy_out"

/*
 * The invoke_func_fn / append_output_fn that every worker in a merged
 * library receives. __faasfuse_invoke forwards, unchanged, to the host's
 * invoke_func_fn with the host's caller_context (it is the RPC path); a
 * rewritten call site compares the function pointer it holds against
 * __faasfuse_invoke to know it talks to Nightcore. __faasfuse_append
 * collects output for a merged callee's worker; the entry's worker gets
 * __faasfuse_root_append, which forwards to the host's append_output_fn with
 * the host's caller_context (__faasfuse_append does too, when given the
 * entry's context).
 */
int __faasfuse_invoke(void *caller_context, const char *func_name,
                      const char *input, size_t input_length,
                      const char **output_data, size_t *output_length);
void __faasfuse_append(void *caller_context, const char *data, size_t length);
void __faasfuse_root_append(void *caller_context, const char *data, size_t length);
/* __faasfuse_append's fast path, for a context known to be a merged callee's
 * worker's (the pass calls it where it proves that). */
void __faasfuse_worker_append(void *caller_context, const char *data, size_t length);
/* The same for the entry's code, whose context is its root or, when it is
 * called back, a callee worker's. */
void __faasfuse_entry_append(void *caller_context, const char *data, size_t length);

/*
 * A merged call: behaves exactly as Nightcore's invoke_func_fn(caller_context,
 * callee->name, ...) would, with the callee run in-process on a worker of its
 * own: the calling entry worker's first worker of that callee, or, while
 * that one is busy (recursion), another from its pool (a busy worker is
 * never entered again). The output belongs to the runtime and stays valid
 * until the caller's faas_func_call returns: lent in the callee worker's
 * buffer, or handed over and released then. The pass's wrappers inline it,
 * so that the call of the callee is direct.
 */
int __faasfuse_call(struct faasfuse_callee *callee, void *caller_context,
                    const char *input, size_t input_length,
                    const char **output_data, size_t *output_length);

/*
 * A call whose callee is named only at run time: if `func_name` is the name
 * of one of the `n` merged functions in `table` (sorted by strcmp), the
 * same as __faasfuse_call on it; otherwise the RPC, __faasfuse_invoke.
 * With a NULL table, the callees are those whose objects were linked into
 * the library (per-object route): pointers to their descriptors in the
 * section FAASFUSE_REGISTRY_SECTION.
 */
#define FAASFUSE_REGISTRY_SECTION faasfuse_callees
int __faasfuse_dispatch(struct faasfuse_callee *const *table, size_t n,
                        void *caller_context, const char *func_name,
                        const char *input, size_t input_length,
                        const char **output_data, size_t *output_length);

/*
 * The index in `table` (n merged functions, sorted by strcmp) of the one
 * named `func_name`, or -1. What a call site with a run-time name calls
 * before a switch over direct calls of the merged wrappers (the
 * opt/driver route). `site_cache`, one zero-initialised word per call site
 * or NULL, remembers the site's last match, which is tried first; it is a
 * guess that is always checked, so it may be shared by threads.
 */
long __faasfuse_lookup(struct faasfuse_callee *const *table, size_t n,
                       const char *func_name, uintptr_t *site_cache);

/*
 * Called by the pass's exception guards (pass/guard_exceptions.c) when a
 * merged callee's ABI function threw: the -1 it returns is then a throw, and
 * the worker it ran on is dropped, as Nightcore loses a worker process that
 * dies of an uncaught exception. Thread-local; read only after a failure.
 */
void __faasfuse_caught(void);

/* Bodies of the entry's exported ABI functions, around its original ones. */
int __faasfuse_entry_init(struct faasfuse_callee *entry);
int __faasfuse_entry_create(struct faasfuse_callee *entry, void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle);
int __faasfuse_entry_destroy(struct faasfuse_callee *entry, void *worker_handle);
int __faasfuse_entry_call(struct faasfuse_callee *entry, void *worker_handle,
                          const char *input, size_t input_length);

#ifdef __cplusplus
}
#endif

#endif
