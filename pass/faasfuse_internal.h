/* Shared between the files of the pass core; not a public interface. */
#ifndef FAASFUSE_INTERNAL_H
#define FAASFUSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bsd/sys/queue.h>
#include <bsd/sys/tree.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "faasfuse.h"
#include "faasfuse/runtime.h"

/* Symbols the pass creates (callees.c spells them). A callee NAME gets:
 *   __faasfuse_callee_NAME      its wrapper (the direct-call target)
 *   __faasfuse_desc_NAME        its struct faasfuse_callee descriptor
 *   __faasfuse.NAME.faas_*      its renamed ABI functions
 *   __faasfuse.NAME.guarded.faas_*  their exception guards (C++)
 * and a node {!"NAME", wrapper, descriptor} in !faasfuse.callees. */
#define FF_WRAPPER_PREFIX "__faasfuse_callee_"
#define FF_DESC_PREFIX "__faasfuse_desc_"
#define FF_CALLEES_MD "faasfuse.callees"
#define FF_FUSED_MD "faasfuse.fused"
#define FF_OBJECT_MD "faasfuse.object"
#define FF_RPC_MD "faasfuse.rpc"
#define FF_APPEND_MD "faasfuse.append"
/* Stands for the entry in its own symbols (__faasfuse._entry.faas_*,
 * __faasfuse_desc__entry): "_" is in no function name ([0-9A-Za-z]+), so no
 * merged function's symbols can be taken for the entry's. */
#define FF_ENTRY_TAG "_entry"
#define FF_REGISTRY_SECTION "faasfuse_callees"

/* Small predicates every file of the core uses. */
static inline bool ff_is_int(LLVMTypeRef T, unsigned bits) {
  return LLVMGetTypeKind(T) == LLVMIntegerTypeKind && LLVMGetIntTypeWidth(T) == bits;
}
static inline bool ff_is_ptr(LLVMTypeRef T) {
  return LLVMGetTypeKind(T) == LLVMPointerTypeKind;
}
/* Does the module define (not just declare) the function `name`? */
static inline bool ff_defines(LLVMModuleRef M, const char *name) {
  LLVMValueRef F = LLVMGetNamedFunction(M, name);
  return F != NULL && !LLVMIsDeclaration(F);
}

/* The four functions a Nightcore library exports, in descriptor order. */
enum ff_abi { FF_INIT, FF_CREATE, FF_DESTROY, FF_CALL, FF_NABI };
extern const char *const ff_abi_names[FF_NABI];

/* ---- leaves: ask no other file of the pass ------------------------------ */

/* diagnostics.c */
void ff_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ff_remark(const struct faasfuse_host *host, enum faasfuse_remark_kind kind,
               LLVMValueRef at, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Would a remark of this kind at `at` reach anyone? (ff_remark asks too.) */
bool ff_remarks_on(const struct faasfuse_host *host, enum faasfuse_remark_kind kind,
                   LLVMValueRef at);
/* Quotes a name for a message: printable ASCII as is, the rest as \xx. */
void ff_quote(char *dst, size_t dstlen, const char *s, size_t len);
/* One line through the host's fatal handler, then exit: out of memory only. */
_Noreturn void ff_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Allocation that never returns NULL (0 bytes allocate 1): out of memory is
 * fatal, reported in one line. */
void *ff_xmalloc(size_t size);
void *ff_xcalloc(size_t n, size_t size);
void *ff_xreallocarray(void *p, size_t n, size_t size);
char *ff_xstrndup(const char *s, size_t len);

/* nightcore_abi.c (faasfuse_check_name, the name rule, is in faasfuse.h) */
/* The module's definition of the ABI symbol `name` (function, alias, ifunc;
 * an asm label's "\01" name too), or NULL. */
LLVMValueRef ff_abi_definition(LLVMModuleRef M, const char *name);
/* Finds the module's external definitions of the four ABI functions
 * (NULL where absent) and checks their types. */
int ff_find_abi(LLVMModuleRef M, LLVMValueRef fns[FF_NABI], char *err,
                size_t errlen);
/* The function an ABI value runs: itself, or an alias's aliasee; NULL for
 * an ifunc. */
LLVMValueRef ff_function_of(LLVMValueRef V);
/* Function types of invoke_func_fn, int (ptr, ptr, ptr, i64, ptr, ptr) (an
 * unprototyped call's varargs form too), and of append_output_fn,
 * void (ptr, ptr, i64). */
bool ff_has_invoke_type(LLVMTypeRef FT);
bool ff_has_append_type(LLVMTypeRef FT);

/* ir_helpers.c */
/* The module's byte pointer type, `ptr` or `i8*`. */
LLVMTypeRef ff_i8p(LLVMModuleRef M);
/* The module's function `name`, declared with type FT if it has none. */
LLVMValueRef ff_get_or_declare(LLVMModuleRef M, const char *name, LLVMTypeRef FT);
/* call F(args[0..n)), each argument cast to F's parameter type (typed
 * pointers only). */
LLVMValueRef ff_build_call(LLVMBuilderRef B, LLVMValueRef F, LLVMValueRef *args,
                           unsigned n);
/* Appends V to @llvm.used or @llvm.compiler.used (`list`). */
void ff_add_used(LLVMModuleRef M, const char *list, LLVMValueRef V);
/* A new block `name` placed right after `after` in F. */
LLVMBasicBlockRef ff_new_block_after(LLVMContextRef C, LLVMValueRef F,
                                     LLVMBasicBlockRef after, const char *name);
/* Moves I to the end of dst, or every instruction after I to the end of
 * dst, keeping their names. */
void ff_move_to(LLVMBuilderRef B, LLVMValueRef I, LLVMBasicBlockRef dst);
void ff_move_tail(LLVMBuilderRef B, LLVMValueRef I, LLVMBasicBlockRef dst);
/* PHIs of `succ` (or of every successor of `term`) that name `from` as an
 * incoming block name `to` instead. */
void ff_retarget_phis(LLVMBuilderRef B, LLVMBasicBlockRef succ, LLVMBasicBlockRef from,
                      LLVMBasicBlockRef to);
void ff_retarget_successor_phis(LLVMBuilderRef B, LLVMValueRef term,
                                LLVMBasicBlockRef from, LLVMBasicBlockRef to);
/* V without bitcasts and addrspacecasts (instructions or constants). */
LLVMValueRef ff_strip_casts(LLVMValueRef V);
/* Byte offset of a GEP with constant indices, or -1. */
long long ff_gep_offset(LLVMValueRef GEP, LLVMTargetDataRef TD);
/* The first argument of the call below nparams that is V (through casts),
 * or -1. */
int ff_arg_position(LLVMValueRef call, LLVMValueRef V, unsigned nparams);
/* Is I an instruction with opcode op? */
bool ff_opcode_is(LLVMValueRef I, LLVMOpcode op);
/* The function a call or invoke calls directly (through casts), or NULL. */
LLVMValueRef ff_called_function(LLVMValueRef call);
/* Parameter i (0-based) of the call `call` (NULL: any) of `callee` (NULL:
 * unknown) is readonly or readnone; is not captured (nocapture, or
 * captures(none)), by the call's attributes or the callee's. */
bool ff_param_reads_only(LLVMValueRef call, LLVMValueRef callee, unsigned i);
bool ff_param_not_captured(LLVMValueRef call, LLVMValueRef callee, unsigned i);
/* The call's result aliases nothing on return (malloc, operator new). */
bool ff_returns_noalias(LLVMValueRef call, LLVMValueRef callee);

/* callees.c: the merged functions and every symbol that names one */
struct ff_callee {
  RB_ENTRY(ff_callee) link;
  char name[FAASFUSE_NAME_MAX + 1];
  LLVMValueRef wrapper;
  LLVMValueRef desc;
};
RB_HEAD(ff_callee_tree, ff_callee);
int ff_callee_cmp(struct ff_callee *a, struct ff_callee *b);
RB_PROTOTYPE(ff_callee_tree, ff_callee, link, ff_callee_cmp)

/* __faasfuse.NAME.faas_X, the renamed ABI function `which` of a merged
 * function (of the entry when name is ""), and its guard (guarded). */
void ff_abi_symbol(char *dst, size_t dstlen, const char *name, enum ff_abi which,
                   bool guarded);
/* Does the module have a callee called `name` already? */
bool ff_has_callee(LLVMModuleRef M, const char *name);
/* Emits the descriptor and the wrapper of a merged function whose ABI
 * functions are `fns` (already renamed), and records it in !faasfuse.callees. */
void ff_emit_callee(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI],
                    uint64_t flags, LLVMValueRef *wrapper, LLVMValueRef *desc);
/* Emits __faasfuse_callee_NAME, the wrapper of the descriptor `desc`. */
LLVMValueRef ff_emit_wrapper(LLVMModuleRef M, const char *name, LLVMValueRef desc);
/* Reads !faasfuse.callees into `tree`; fails on a duplicate NAME. */
int ff_read_callees(LLVMModuleRef M, struct ff_callee_tree *tree, char *err,
                    size_t errlen);
void ff_free_callees(struct ff_callee_tree *tree);
struct ff_callee *ff_lookup_callee(struct ff_callee_tree *tree, const char *name,
                                   size_t len);
/* Puts the descriptor in section faasfuse_callees, where the runtime finds
 * every callee linked into a library (per-object route). */
void ff_register_descriptor(LLVMModuleRef M, LLVMValueRef desc);
/* The wrapper of a callee that may be linked in from another object: a
 * hidden weak reference, null when it is not. */
LLVMValueRef ff_weak_wrapper(LLVMModuleRef M, const char *name);
unsigned ff_count_callees(struct ff_callee_tree *callees);
/* The dispatch table: descriptors sorted by name, for __faasfuse_lookup;
 * wrappers[] (ff_count_callees long) gets the wrapper of each, in order. */
LLVMValueRef ff_callee_table(LLVMModuleRef M, struct ff_callee_tree *callees,
                             LLVMValueRef *wrappers);

/* find_call_sites.c (read-only: it changes nothing in the module) */
/* One value the name argument may hold: a constant pointer into a
 * constant string, and the string it points at. */
struct ff_name {
  LLVMValueRef ptr;
  char *name; /* malloc'd, NUL-terminated; may hold no NUL before name_len */
  size_t len;
};

enum ff_name_kind {
  FF_NAME_CONSTANT, /* the argument is a constant string: names[0] */
  FF_NAME_CHOICE,   /* the argument is one of names[] on the paths seen */
  FF_NAME_DYNAMIC   /* known only at run time, or bytes the pass cannot prove */
};

/* A site that may pass more names than this is looked up at run time. */
#define FF_MAX_NAMES 64
#define FF_MAX_NAMES_TEXT "64"

struct ff_site {
  TAILQ_ENTRY(ff_site) link;
  LLVMValueRef inst;       /* the call or invoke */
  bool known_nightcore;    /* calls __faasfuse_invoke itself */
  enum ff_name_kind kind;
  struct ff_name *names; /* at most FF_MAX_NAMES */
  size_t nnames;
  const char *why_dynamic; /* when dynamic: why, for the remark */
};
TAILQ_HEAD(ff_site_list, ff_site);

/* Every call/invoke that may go through Nightcore's invoke_func_fn. */
void ff_find_call_sites(LLVMModuleRef M, struct ff_site_list *sites);
void ff_free_sites(struct ff_site_list *sites);

/* worker_fields.c (read-only): where a worker keeps the functions it was
 * created with. */
struct ff_worker_fields {
  /* Byte offsets in the object faas_create_func_worker returns of the
   * caller_context, invoke_func_fn and append_output_fn it was given, for
   * the whole of every faas_func_call; -1 where not proven. */
  long long ctx, invoke, append;
};
/* Where create stores them (each -1 if not in one such field); whether
 * faas_func_call keeps them so is ff_held_worker_fields's question. */
struct ff_worker_fields ff_find_worker_fields(LLVMValueRef create, LLVMTargetDataRef TD);
/* The offset fp was loaded from in the worker, F's parameter `worker`, or
 * -1: fp = load (worker + constant). */
long long ff_loaded_from_worker(LLVMValueRef fp, LLVMValueRef F, int worker,
                                LLVMTargetDataRef TD);
/* Which of the worker's functions the call or invoke I in F calls through
 * the worker (F's parameter `worker`): its field's, with that function's
 * type. */
enum ff_worker_fn { FF_WORKER_NONE, FF_WORKER_INVOKE, FF_WORKER_APPEND };
enum ff_worker_fn ff_worker_call(LLVMValueRef I, LLVMValueRef F, int worker,
                                 const struct ff_worker_fields *f, LLVMTargetDataRef TD);

/* input_read_only.c (read-only) */
/* The worker's fields (worker_fields.c) of a merged function whose ABI
 * functions are `fns`, when faas_func_call also only reads through its
 * worker parameter and keeps no pointer to it: then they hold what create
 * was given for the whole call. All -1 otherwise. */
struct ff_worker_fields ff_held_worker_fields(LLVMModuleRef M, LLVMValueRef fns[FF_NABI]);
/* Its descriptor flags, given those fields: FAASFUSE_CALLEE_COPY_INPUT
 * unless it provably never writes its input. */
uint64_t ff_callee_flags(LLVMModuleRef M, LLVMValueRef fns[FF_NABI],
                         const struct ff_worker_fields *held);

/* call_runtime_directly.c: calls through the worker's own fields `held`
 * become direct calls of the runtime. Before anything else uses
 * fns[FF_CALL]. */
void ff_call_runtime_directly(LLVMModuleRef M, LLVMValueRef fns[FF_NABI],
                              const struct ff_worker_fields *held, bool entry);

/* ---- the stages, in pipeline order --------------------------------------- */

/* options.c: faasfuse_parse_options, faasfuse_free_options (faasfuse.h) */

/* guard_exceptions.c */
/* In a module that uses C++ exceptions, replaces each of `fns` that may
 * unwind by a guard that turns a throw into -1 (and tells the runtime). */
void ff_guard_exceptions(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI]);

/* prepare_callee.c: faasfuse_prepare_callee (faasfuse.h), and */
/* Prepares without checks (faasfuse_prepare_callee checks first). */
void ff_prepare_checked(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI],
                        LLVMValueRef *wrapper, LLVMValueRef *desc);

/* link_runtime.c */
/* Reads, prepares and links the link=NAME:PATH callees. */
int ff_link_callees(LLVMModuleRef M, const struct faasfuse_options *opts,
                    char *err, size_t errlen);
/* With `shared`, the runtime's entry points and state are linkonce_odr and
 * hidden, so that the copies in several objects of one library are one.
 * Without, `how` chooses between the IR and the precompiled runtime;
 * *precompiled tells which it was (only written without `shared`). */
int ff_link_runtime(LLVMModuleRef M, bool shared, enum faasfuse_runtime how,
                    bool *precompiled, char *err, size_t errlen);
/* The precompiled runtime's assembly that the fused module uses; chosen
 * again, once the optimizer has run, by ff_trim_precompiled_runtime (true
 * if the module had any). */
void ff_add_precompiled_runtime(LLVMModuleRef M);
bool ff_trim_precompiled_runtime(LLVMModuleRef M);
bool ff_has_runtime(LLVMModuleRef M);
void ff_share_runtime_entry_points(LLVMModuleRef M);
/* Keeps every symbol faasfuse added out of the library's exports, so that
 * it exports only what the caller exported: internal linkage, or with lto
 * hidden visibility (other objects of the link may refer to them). */
void ff_seal_fused(LLVMModuleRef M, bool lto);

/* instrument_entry.c */
int ff_instrument_entry(LLVMModuleRef M, const char *entry_name,
                        struct ff_callee_tree *callees, char *err, size_t errlen);

/* warn_shared_workers.c */
/* Warns about each merged function on a cycle of merged calls (through
 * `sites`) whose faas_create_func_worker keeps worker state in a global. */
void ff_warn_shared_workers(LLVMModuleRef M, struct ff_site_list *sites,
                            struct ff_callee_tree *callees, const char *entry_name,
                            const struct faasfuse_host *host);

/* promote_appends.c */
/* Calls of append_output_fn through a pointer, in function F, call
 * __faasfuse_append directly when the pointer is it (the runtime hands
 * every worker that). */
void ff_promote_appends(LLVMModuleRef M, LLVMValueRef F);

/* rewrite_call_sites.c */
/* Rewrites each site given to ff_rewrite_site that can reach a merged
 * function (`dynamic`: sites whose name is known only at run time too;
 * `object_mode`: the per-object route, where callees are found at link or
 * run time), and remarks which way each went. */
struct ff_rewriter;
struct ff_rewriter *ff_rewrite_begin(LLVMModuleRef M, struct ff_callee_tree *callees,
                                     bool dynamic, bool object_mode,
                                     const struct faasfuse_host *host);
void ff_rewrite_site(struct ff_rewriter *rw, struct ff_site *s);
void ff_rewrite_end(struct ff_rewriter *rw);

#endif
