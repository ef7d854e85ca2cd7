/*
 * Does a merged callee only read its input? Nightcore hands every callee a
 * copy of its own; a merged callee gets the caller's bytes only when the pass
 * proves that it never writes them nor keeps a pointer to them. The runtime
 * copies the input of every other one (FAASFUSE_CALLEE_COPY_INPUT in its
 * descriptor's flags).
 *
 * Either proof will do:
 *  - faas_func_call's input parameter is readonly or readnone, as -O1's
 *    attribute inference finds when the input only meets loads; or
 *  - every pointer derived from the input is only loaded from, compared,
 *    passed where a declaration (an intrinsic, libc) promises readonly and
 *    not captured, passed to a function defined here that keeps to these
 *    rules itself, or handed as data to the worker's own append_output_fn or
 *    invoke_func_fn (their reads are the contract's).
 *
 * "The worker's own": called through a pointer loaded from the field of the
 * worker where create stored the function it was given, which is the
 * runtime's for the whole call (worker_fields.c says when). Anything the
 * proof does not know is a write.
 *
 * Read-only; it runs where a callee is prepared, before its calls change:
 *   opt -load-pass-plugin=FaasFuse.so -passes='faasfuse-callee<Bar>' bar.bc
 * (the descriptor's last field is the flags: 0 is "no copy").
 */
#include <stdlib.h>
#include <string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* Bounds on the work, past which the answer is "may write". */
enum { MAX_FRAMES = 4096, MAX_DERIVED = 1024 };

/* One function visited: its input-derived parameter and the parameter that
 * holds the worker (-1: none). */
struct frame {
  LLVMValueRef F;
  unsigned in;
  int worker;
};

struct proof {
  LLVMTargetDataRef TD;
  struct ff_worker_fields fields;
  struct frame frames[MAX_FRAMES];
  size_t nframes;
};

/* A definition that this module's code is what runs: no other object can
 * replace it at link or load time by a different one. */
static bool definition_is_final(LLVMValueRef F) {
  if (LLVMIsDeclaration(F))
    return false;
  switch (LLVMGetLinkage(F)) {
  case LLVMInternalLinkage:
  case LLVMPrivateLinkage:
  case LLVMLinkOnceODRLinkage:
  case LLVMWeakODRLinkage:
    return true;
  case LLVMExternalLinkage:
    return LLVMGetVisibility(F) != LLVMDefaultVisibility;
  default:
    return false;
  }
}

/* ---- the input's uses ------------------------------------------------------ */

static bool visit(struct proof *p, LLVMValueRef F, unsigned in, int worker);

/* The input-derived V is argument i of the call or invoke I in F. */
static bool arg_stays_read(struct proof *p, LLVMValueRef F, int worker, LLVMValueRef I,
                           unsigned i) {
  LLVMValueRef callee = ff_called_function(I);
  if (callee == NULL) {
    /* The worker's own append_output_fn (data) or invoke_func_fn (name,
     * input): the runtime's, which only read them. */
    switch (ff_worker_call(I, F, worker, &p->fields, p->TD)) {
    case FF_WORKER_APPEND:
      return i == 1;
    case FF_WORKER_INVOKE:
      return i == 1 || i == 2;
    default:
      return false;
    }
  }
  if (ff_param_reads_only(I, callee, i) && ff_param_not_captured(I, callee, i))
    return true;
  if (!definition_is_final(callee) || i >= LLVMCountParams(callee))
    return false;
  /* Into a function of this module: where the worker goes, it goes too. */
  int w = worker < 0 ? -1
                     : ff_arg_position(I, LLVMGetParam(F, (unsigned)worker),
                                       LLVMCountParams(callee));
  return visit(p, callee, i, w);
}

static bool call_stays_read(struct proof *p, LLVMValueRef F, int worker, LLVMValueRef I,
                            LLVMValueRef V) {
  unsigned nargs = LLVMGetNumArgOperands(I);
  unsigned nops = (unsigned)LLVMGetNumOperands(I);
  for (unsigned k = nargs; k < nops; k++) /* bundles, the callee */
    if (LLVMGetOperand(I, k) == V)
      return false;
  for (unsigned k = 0; k < nargs; k++)
    if (LLVMGetOperand(I, k) == V && !arg_stays_read(p, F, worker, I, k))
      return false;
  return true;
}

static bool derived_add(LLVMValueRef *d, size_t *n, LLVMValueRef V) {
  for (size_t i = 0; i < *n; i++)
    if (d[i] == V)
      return true;
  if (*n == MAX_DERIVED)
    return false;
  d[(*n)++] = V;
  return true;
}

/* Does F only read through (and never keep) its parameter `in`, and
 * everything derived from it? A frame already on the way is assumed to:
 * the answer is the conjunction of all frames, so one write anywhere makes
 * the whole proof fail. */
static bool visit(struct proof *p, LLVMValueRef F, unsigned in, int worker) {
  for (size_t i = 0; i < p->nframes; i++)
    if (p->frames[i].F == F && p->frames[i].in == in && p->frames[i].worker == worker)
      return true;
  if (p->nframes == MAX_FRAMES || LLVMIsDeclaration(F) || in >= LLVMCountParams(F))
    return false;
  p->frames[p->nframes++] = (struct frame){F, in, worker};

  LLVMValueRef *d = ff_xreallocarray(NULL, MAX_DERIVED, sizeof *d);
  size_t n = 0;
  bool ok = derived_add(d, &n, LLVMGetParam(F, in));
  for (size_t k = 0; ok && k < n; k++) {
    LLVMValueRef V = d[k];
    for (LLVMUseRef U = LLVMGetFirstUse(V); ok && U; U = LLVMGetNextUse(U)) {
      LLVMValueRef I = LLVMGetUser(U);
      if (LLVMIsAInstruction(I) == NULL) {
        ok = false;
        break;
      }
      switch (LLVMGetInstructionOpcode(I)) {
      case LLVMGetElementPtr:
      case LLVMBitCast:
      case LLVMAddrSpaceCast:
      case LLVMPHI:
      case LLVMSelect:
      case LLVMFreeze:
        ok = derived_add(d, &n, I);
        break;
      case LLVMLoad:
      case LLVMICmp:
        break; /* a load's only operand is its address */
      case LLVMCall:
      case LLVMInvoke:
        ok = call_stays_read(p, F, worker, I, V);
        break;
      default: /* stores (to it, or of it), returns, ptrtoint, atomics... */
        ok = false;
        break;
      }
    }
  }
  free(d);
  return ok;
}

static struct proof *new_proof(LLVMTargetDataRef TD, struct ff_worker_fields fields) {
  struct proof *p = ff_xcalloc(1, sizeof *p);
  p->TD = TD;
  p->fields = fields;
  return p;
}

struct ff_worker_fields ff_held_worker_fields(LLVMModuleRef M, LLVMValueRef fns[FF_NABI]) {
  struct ff_worker_fields none = {-1, -1, -1};
  LLVMValueRef F = fns[FF_CALL] != NULL ? ff_function_of(fns[FF_CALL]) : NULL;
  if (F == NULL || LLVMIsDeclaration(F) || LLVMCountParams(F) < 1)
    return none;
  LLVMTargetDataRef TD = LLVMCreateTargetData(LLVMGetDataLayoutStr(M));
  struct ff_worker_fields f = ff_find_worker_fields(fns[FF_CREATE], TD);
  bool ok = f.ctx >= 0 || f.invoke >= 0 || f.append >= 0;
  /* Inference says it outright, unless a test of the worker against NULL
   * (a capture, to LLVM before 21) kept it from saying it; else the worker
   * only reads itself through the fields, until the first write through
   * it, which there is none of. */
  if (ok && !(ff_param_reads_only(NULL, F, 0) && ff_param_not_captured(NULL, F, 0))) {
    struct proof *p = new_proof(TD, f);
    ok = visit(p, F, 0, 0);
    free(p);
  }
  LLVMDisposeTargetData(TD);
  return ok ? f : none;
}

uint64_t ff_callee_flags(LLVMModuleRef M, LLVMValueRef fns[FF_NABI],
                         const struct ff_worker_fields *held) {
  LLVMValueRef F = fns[FF_CALL] != NULL ? ff_function_of(fns[FF_CALL]) : NULL;
  if (F == NULL || LLVMIsDeclaration(F) || LLVMCountParams(F) < 2)
    return FAASFUSE_CALLEE_COPY_INPUT;
  if (ff_param_reads_only(NULL, F, 1))
    return 0;
  LLVMTargetDataRef TD = LLVMCreateTargetData(LLVMGetDataLayoutStr(M));
  struct proof *p = new_proof(TD, *held);
  bool ok = visit(p, F, 1, held->invoke >= 0 || held->append >= 0 ? 0 : -1);
  free(p);
  LLVMDisposeTargetData(TD);
  return ok ? 0 : FAASFUSE_CALLEE_COPY_INPUT;
}
