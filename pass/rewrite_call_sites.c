/*
 * Rewrites one call site into a guarded direct call:
 *
 *   %r = call i32 %fp(ctx, "Bar", in, len, &out, &outlen)
 * becomes
 *   %is_nightcore = icmp eq ptr %fp, @__faasfuse_invoke
 *   br i1 %is_nightcore, label %fused, label %rpc
 * fused:
 *   %r.fused = call i32 @__faasfuse_callee_Bar(ctx, in, len, &out, &outlen)
 * rpc:
 *   %r.rpc = call i32 %fp(ctx, "Bar", in, len, &out, &outlen)   ; unchanged
 * and a phi where they meet.
 *
 * Every worker of a merged library receives __faasfuse_invoke as its
 * invoke_func_fn, so the guard is true exactly when %fp is Nightcore's
 * invoke; any other function of the same type keeps its behaviour.
 * A name that is one of several literals gets one pointer compare per
 * merged name; a name known only at run time becomes
 *   switch (__faasfuse_lookup(table, n, name, &site_cache))
 *     case i: call of the i-th merged wrapper     default: the RPC
 * so a hit is a direct call the optimizer can inline, as a literal's is.
 * An `invoke` site keeps its unwind edge on the RPC path; the fused call
 * does not unwind (a callee's crash takes its caller with it).
 * A call of __faasfuse_invoke itself (the worker's own invoke_func_fn, which
 * call_runtime_directly.c proved the runtime's) with one literal name needs
 * no guard: it becomes the direct call alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <llvm-c/Target.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* One way out of a rewritten site: when the name argument equals `ptr`
 * (or always, for NULL), call `wrapper`. */
struct ff_arm {
  LLVMValueRef ptr;
  LLVMValueRef wrapper;
  bool weak; /* a hidden weak reference: taken only if it is linked in */
};

/* How a site whose name is known only at run time goes:
 *   switch (__faasfuse_lookup(table, ntable, name, &site_cache))
 *     case i: wrappers[i](...)          default: fp(...)
 * with a table, and __faasfuse_dispatch(NULL, 0, ctx, name, ...) without
 * one (per-object route: the callees linked into the library). */
struct ff_dispatch {
  LLVMValueRef fn;        /* __faasfuse_dispatch, or NULL: misses stay RPCs */
  LLVMValueRef lookup;    /* __faasfuse_lookup */
  LLVMValueRef table;     /* sorted array of descriptor pointers, or NULL */
  LLVMValueRef *wrappers; /* the wrapper of each, in table order */
  unsigned ntable;
};

/* An operand of the site as the parameter type T: pointers cast (typed
 * pointers), an int length of an unprototyped call zero-extended to size_t. */
static LLVMValueRef coerce(LLVMBuilderRef B, LLVMValueRef V, LLVMTypeRef T) {
  LLVMTypeRef VT = LLVMTypeOf(V);
  if (VT == T)
    return V;
  if (LLVMGetTypeKind(VT) == LLVMIntegerTypeKind && LLVMGetTypeKind(T) == LLVMIntegerTypeKind)
    return LLVMBuildZExtOrBitCast(B, V, T, "");
  return LLVMBuildPointerCast(B, V, T, "");
}

/* Builds `call wrapper(ctx, in, len, out, outlen)` from the site's operands. */
static LLVMValueRef build_wrapper_call(LLVMBuilderRef B, LLVMValueRef I,
                                       LLVMValueRef wrapper) {
  static const unsigned from_arg[5] = {0, 2, 3, 4, 5};
  LLVMTypeRef WT = LLVMGlobalGetValueType(wrapper);
  LLVMTypeRef P[5];
  LLVMValueRef args[5];
  LLVMGetParamTypes(WT, P);
  for (int i = 0; i < 5; i++) {
    args[i] = coerce(B, LLVMGetOperand(I, from_arg[i]), P[i]);
  }
  return LLVMBuildCall2(B, WT, wrapper, args, 5, "faasfuse.r");
}

/* Builds `call __faasfuse_dispatch(table, n, ctx, name, in, len, out, outlen)`. */
static LLVMValueRef build_dispatch_call(LLVMBuilderRef B, LLVMValueRef I,
                                        const struct ff_dispatch *d) {
  LLVMTypeRef FT = LLVMGlobalGetValueType(d->fn);
  LLVMTypeRef P[8];
  LLVMValueRef args[8];
  LLVMGetParamTypes(FT, P);
  args[0] = d->table ? ff_const_ptr_cast(d->table, P[0]) : LLVMConstNull(P[0]);
  args[1] = LLVMConstInt(P[1], d->ntable, 0);
  for (int i = 0; i < 6; i++)
    args[2 + i] = LLVMGetOperand(I, (unsigned)i);
  for (int i = 2; i < 8; i++)
    args[i] = coerce(B, args[i], P[i]);
  return LLVMBuildCall2(B, FT, d->fn, args, 8, "faasfuse.r");
}

/* Builds `switch (__faasfuse_lookup(table, n, name, &cache))` in the current
 * block: case i calls wrappers[i] and goes to `join`, with its result
 * recorded in in_vals/in_blocks; no match goes to `rpc`. */
static void build_lookup_switch(LLVMModuleRef M, LLVMBuilderRef B, LLVMValueRef I,
                                const struct ff_dispatch *d, LLVMBasicBlockRef rpc,
                                LLVMBasicBlockRef join, LLVMValueRef *in_vals,
                                LLVMBasicBlockRef *in_blocks, size_t *nin) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMValueRef F = LLVMGetBasicBlockParent(LLVMGetInsertBlock(B));
  LLVMTypeRef FT = LLVMGlobalGetValueType(d->lookup);
  LLVMTypeRef P[4];
  LLVMGetParamTypes(FT, P);
  /* One word per site: the index + 1 of the last name it matched. */
  LLVMTypeRef word = LLVMIntPtrTypeInContext(C, LLVMGetModuleDataLayout(M));
  LLVMValueRef cache = LLVMAddGlobal(M, word, "__faasfuse_site_cache");
  LLVMSetInitializer(cache, LLVMConstNull(word));
  LLVMSetLinkage(cache, LLVMInternalLinkage);
  LLVMValueRef args[4] = {ff_const_ptr_cast(d->table, P[0]), LLVMConstInt(P[1], d->ntable, 0),
                          LLVMGetOperand(I, 1), ff_const_ptr_cast(cache, P[3])};
  if (LLVMTypeOf(args[2]) != P[2])
    args[2] = LLVMBuildPointerCast(B, args[2], P[2], "");
  LLVMValueRef idx = LLVMBuildCall2(B, FT, d->lookup, args, 4, "faasfuse.index");
  LLVMValueRef sw = LLVMBuildSwitch(B, idx, rpc, d->ntable);
  LLVMBasicBlockRef after = LLVMGetInsertBlock(B);
  for (unsigned i = 0; i < d->ntable; i++) {
    LLVMBasicBlockRef call_bb = ff_new_block_after(C, F, after, "faasfuse.call");
    LLVMAddCase(sw, LLVMConstInt(LLVMTypeOf(idx), i, 0), call_bb);
    LLVMPositionBuilderAtEnd(B, call_bb);
    in_vals[*nin] = build_wrapper_call(B, I, d->wrappers[i]);
    in_blocks[(*nin)++] = call_bb;
    LLVMBuildBr(B, join);
    after = call_bb;
  }
}

/* Replaces the site by
 *   fp != __faasfuse_invoke          ? fp(...)          (unchanged)
 *   : name == arms[0].ptr            ? arms[0].wrapper(...)
 *   : ...
 *   : the dispatch on the name, or fp(...)
 * An arm whose ptr is NULL is taken unconditionally. */
static void rewrite_site(LLVMModuleRef M, struct ff_site *site,
                     const struct ff_arm *arms, size_t narms,
                     const struct ff_dispatch *dispatch, LLVMValueRef rt_invoke) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMValueRef I = site->inst;
  LLVMBasicBlockRef BB = LLVMGetInstructionParent(I);
  LLVMValueRef F = LLVMGetBasicBlockParent(BB);
  LLVMValueRef fp = LLVMGetCalledValue(I);
  LLVMValueRef name = LLVMGetOperand(I, 1);
  bool is_invoke = LLVMIsAInvokeInst(I) != NULL;
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(I);
  if (!is_invoke && narms == 1 && arms[0].ptr == NULL && !arms[0].weak &&
      ff_strip_casts(fp) == rt_invoke) {
    /* Calls Nightcore's invoke itself (call_runtime_directly.c made it so),
     * with one name: the direct call alone, no guard, no RPC path. */
    LLVMPositionBuilderBefore(B, I);
    if (loc != NULL)
      LLVMSetCurrentDebugLocation2(B, loc);
    LLVMValueRef r = build_wrapper_call(B, I, arms[0].wrapper);
    LLVMReplaceAllUsesWith(I, r);
    LLVMInstructionEraseFromParent(I);
    site->inst = r;
    LLVMDisposeBuilder(B);
    return;
  }
  size_t nin = 0, cap = narms + 2 + (dispatch && dispatch->table ? dispatch->ntable : 0);
  LLVMValueRef *in_vals = ff_xcalloc(cap, sizeof *in_vals);
  LLVMBasicBlockRef *in_blocks = ff_xcalloc(cap, sizeof *in_blocks);

  LLVMBasicBlockRef rpc = ff_new_block_after(C, F, BB, "faasfuse.rpc");
  LLVMBasicBlockRef join = ff_new_block_after(C, F, rpc, "faasfuse.join");

  if (is_invoke) {
    /* join is the new normal destination; the unwind edge now leaves rpc. */
    LLVMBasicBlockRef normal = LLVMGetNormalDest(I);
    ff_retarget_phis(B, normal, BB, join);
    ff_retarget_phis(B, LLVMGetUnwindDest(I), BB, rpc);
    LLVMSetNormalDest(I, join);
    LLVMPositionBuilderAtEnd(B, join);
    LLVMBuildBr(B, normal);
  } else {
    ff_move_tail(B, I, join);
    ff_retarget_successor_phis(B, LLVMGetBasicBlockTerminator(join), BB, join);
  }
  ff_move_to(B, I, rpc);
  /* Marks the original call, so that no later run fuses it again. */
  LLVMSetMetadata(I, LLVMGetMDKindIDInContext(C, FF_RPC_MD, (unsigned)strlen(FF_RPC_MD)),
                  LLVMMDNodeInContext(C, NULL, 0));
  if (!is_invoke) {
    LLVMPositionBuilderAtEnd(B, rpc);
    LLVMBuildBr(B, join);
  }
  if (loc != NULL)
    LLVMSetCurrentDebugLocation2(B, loc);

  /* The guard: only Nightcore's invoke, as the runtime handed it out. */
  LLVMBasicBlockRef test = ff_new_block_after(C, F, BB, "faasfuse.fused");
  LLVMPositionBuilderAtEnd(B, BB);
  LLVMValueRef is_nc = LLVMBuildICmp(B, LLVMIntEQ, fp,
                                     ff_const_ptr_cast(rt_invoke, LLVMTypeOf(fp)),
                                     "faasfuse.is_nightcore");
  LLVMBuildCondBr(B, is_nc, test, rpc);

  /* One arm per merged name the argument may hold. */
  LLVMBasicBlockRef after = test;
  for (size_t i = 0; i < narms; i++) {
    LLVMBasicBlockRef call_bb = test;
    bool conditional = arms[i].ptr != NULL || arms[i].weak;
    LLVMPositionBuilderAtEnd(B, test);
    if (conditional) {
      LLVMValueRef cond = NULL;
      call_bb = ff_new_block_after(C, F, after, "faasfuse.call");
      LLVMBasicBlockRef next = ff_new_block_after(C, F, call_bb, "faasfuse.next");
      if (arms[i].ptr != NULL)
        cond = LLVMBuildICmp(B, LLVMIntEQ, name,
                             ff_const_ptr_cast(arms[i].ptr, LLVMTypeOf(name)),
                             "faasfuse.is_name");
      if (arms[i].weak) {
        /* Only if the callee's object was linked in. */
        LLVMValueRef linked = LLVMBuildICmp(
            B, LLVMIntNE, arms[i].wrapper,
            LLVMConstNull(LLVMTypeOf(arms[i].wrapper)), "faasfuse.is_linked");
        cond = cond ? LLVMBuildAnd(B, cond, linked, "") : linked;
      }
      LLVMBuildCondBr(B, cond, call_bb, next);
      test = after = next;
    }
    LLVMPositionBuilderAtEnd(B, call_bb);
    in_vals[nin] = build_wrapper_call(B, I, arms[i].wrapper);
    in_blocks[nin++] = call_bb;
    LLVMBuildBr(B, join);
    if (!conditional) {
      test = NULL; /* unconditional: nothing falls through */
      break;
    }
  }
  /* No arm matched: dispatch on the bytes at run time, or stay an RPC. */
  if (test != NULL) {
    LLVMPositionBuilderAtEnd(B, test);
    if (dispatch != NULL && dispatch->table != NULL) {
      build_lookup_switch(M, B, I, dispatch, rpc, join, in_vals, in_blocks, &nin);
    } else if (dispatch != NULL && dispatch->fn != NULL) {
      in_vals[nin] = build_dispatch_call(B, I, dispatch);
      in_blocks[nin++] = test;
      LLVMBuildBr(B, join);
    } else {
      LLVMBuildBr(B, rpc);
    }
  }

  /* Where the paths meet. */
  LLVMValueRef first = LLVMGetFirstInstruction(join);
  if (first != NULL)
    LLVMPositionBuilderBefore(B, first);
  else
    LLVMPositionBuilderAtEnd(B, join);
  LLVMValueRef phi = LLVMBuildPhi(B, LLVMTypeOf(I), "");
  LLVMReplaceAllUsesWith(I, phi);
  in_vals[nin] = I;
  in_blocks[nin++] = rpc;
  LLVMAddIncoming(phi, in_vals, in_blocks, (unsigned)nin);
  free(in_vals);
  free(in_blocks);
  LLVMDisposeBuilder(B);
}

/* ---- which way each site goes ------------------------------------------ */

/* "'Bar', 'Baz'" for a remark. */
static void list_names(char *dst, size_t dstlen, const struct ff_site *s,
                       struct ff_callee_tree *callees, bool merged) {
  size_t o = 0;
  dst[0] = '\0';
  for (size_t i = 0; i < s->nnames && o + 8 < dstlen; i++) {
    char q[96];
    bool is_merged = ff_lookup_callee(callees, s->names[i].name, s->names[i].len) != NULL;
    if (is_merged != merged)
      continue;
    ff_quote(q, sizeof q, s->names[i].name, s->names[i].len);
    o += (size_t)snprintf(dst + o, dstlen - o, "%s'%s'", o ? ", " : "", q);
  }
}

static void fuse_site(LLVMModuleRef M, struct ff_site *s,
                      struct ff_callee_tree *callees, struct ff_dispatch *dispatch,
                      bool dynamic, bool object_mode, LLVMValueRef rt_invoke,
                      const struct faasfuse_host *host) {
  struct ff_arm arms[FF_MAX_NAMES]; /* one per name at most */
  size_t narms = 0;
  char merged[512], unmerged[512];

  for (size_t i = 0; i < s->nnames; i++) {
    struct ff_name *n = &s->names[i];
    struct ff_callee *c = ff_lookup_callee(callees, n->name, n->len);
    arms[narms].ptr = s->kind == FF_NAME_CONSTANT ? NULL : n->ptr;
    arms[narms].weak = false;
    if (c != NULL) {
      arms[narms++].wrapper = c->wrapper;
    } else if (object_mode && faasfuse_check_name(n->name, n->len, NULL, 0) == 0) {
      arms[narms].wrapper = ff_weak_wrapper(M, n->name);
      arms[narms++].weak = true;
    }
  }
  switch (s->kind) {
  case FF_NAME_CONSTANT:
  case FF_NAME_CHOICE:
    merged[0] = unmerged[0] = '\0';
    /* The lists are for the remark only (passed and missed alike). */
    if (ff_remarks_on(host, FAASFUSE_REMARK_PASSED, s->inst)) {
      list_names(merged, sizeof merged, s, callees, true);
      list_names(unmerged, sizeof unmerged, s, callees, false);
    }
    if (object_mode && narms > 0) {
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedIfLinked",
                "call to %s%s%s%s becomes a direct call wherever its object is "
                "linked in, else stays an RPC", s->kind == FF_NAME_CHOICE ? "one of " : "",
                merged, *merged && *unmerged ? ", " : "", unmerged);
      rewrite_site(M, s, arms, narms, NULL, rt_invoke);
      return;
    }
    if (narms == 0) {
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NotMerged",
                "call to %s%s stays an RPC: no function of %s name is merged",
                s->kind == FF_NAME_CHOICE ? "one of " : "", unmerged,
                s->nnames > 1 ? "those" : "that");
      return;
    }
    if (s->kind == FF_NAME_CONSTANT)
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "Fused",
                "fused call to %s into a direct call", merged);
    else
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedChoice",
                "fused call to one of %s into direct calls chosen by pointer "
                "comparison%s%s%s", merged, *unmerged ? " (" : "", unmerged,
                *unmerged ? " stay RPCs)" : "");
    rewrite_site(M, s, arms, narms, NULL, rt_invoke);
    return;
  case FF_NAME_DYNAMIC:
    if (!dynamic) {
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NameNotConstant",
                "call stays an RPC: %s (run-time dispatch is off: no-dynamic)",
                s->why_dynamic);
      return;
    }
    if (dispatch->fn == NULL || dispatch->lookup == NULL) {
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NameNotConstant",
                "call stays an RPC: %s (this runtime has no dispatch)", s->why_dynamic);
      return;
    }
    if (object_mode) {
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedDispatch",
                "call with a run-time name (%s) dispatches by name to the "
                "functions linked into the library, other names stay RPCs",
                s->why_dynamic);
      rewrite_site(M, s, NULL, 0, dispatch, rt_invoke);
      return;
    }
    if (dispatch->table == NULL) {
      dispatch->wrappers = ff_xreallocarray(NULL, ff_count_callees(callees) + 1,
                                            sizeof *dispatch->wrappers);
      dispatch->table = ff_callee_table(M, callees, dispatch->wrappers);
      dispatch->ntable = ff_count_callees(callees);
    }
    ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedDispatch",
              "call with a run-time name (%s) dispatches to the %u merged "
              "function(s) by name, other names stay RPCs", s->why_dynamic,
              dispatch->ntable);
    rewrite_site(M, s, NULL, 0, dispatch, rt_invoke);
    return;
  }
}

/* What every site of one run shares. */
struct ff_rewriter {
  LLVMModuleRef M;
  struct ff_callee_tree *callees;
  bool dynamic, object_mode;
  const struct faasfuse_host *host;
  LLVMValueRef rt_invoke;
  struct ff_dispatch dispatch; /* its table made at the first dynamic site */
};

struct ff_rewriter *ff_rewrite_begin(LLVMModuleRef M, struct ff_callee_tree *callees,
                                     bool dynamic, bool object_mode,
                                     const struct faasfuse_host *host) {
  struct ff_rewriter *rw = ff_xcalloc(1, sizeof *rw);
  rw->M = M;
  rw->callees = callees;
  rw->dynamic = dynamic;
  rw->object_mode = object_mode;
  rw->host = host;
  rw->rt_invoke = LLVMGetNamedFunction(M, FAASFUSE_RT_INVOKE);
  rw->dispatch.fn = LLVMGetNamedFunction(M, FAASFUSE_RT_DISPATCH);
  rw->dispatch.lookup = LLVMGetNamedFunction(M, FAASFUSE_RT_LOOKUP);
  return rw;
}

void ff_rewrite_site(struct ff_rewriter *rw, struct ff_site *s) {
  fuse_site(rw->M, s, rw->callees, &rw->dispatch, rw->dynamic, rw->object_mode,
            rw->rt_invoke, rw->host);
}

void ff_rewrite_end(struct ff_rewriter *rw) {
  free(rw->dispatch.wrappers);
  free(rw);
}
