/*
 * The merged functions of a module, and the symbols that stand for each:
 *   __faasfuse_callee_NAME   its wrapper, int (ctx, in, len, &out, &outlen)
 *   __faasfuse_desc_NAME     its descriptor (struct faasfuse_callee)
 *   !faasfuse.callees        {!"NAME", wrapper, descriptor}, which llvm-link
 *                            concatenates, so the fusing run finds them all
 * This file emits them, reads them back into a tree by name, registers
 * descriptors for the per-object route, and builds the sorted table that
 * run-time names are looked up in. Only it spells these symbols.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

int ff_callee_cmp(struct ff_callee *a, struct ff_callee *b) {
  return strcmp(a->name, b->name);
}
RB_GENERATE(ff_callee_tree, ff_callee, link, ff_callee_cmp)

struct ff_callee *ff_lookup_callee(struct ff_callee_tree *tree, const char *name,
                                   size_t len) {
  struct ff_callee key;
  if (len > FAASFUSE_NAME_MAX || memchr(name, '\0', len) != NULL)
    return NULL;
  memcpy(key.name, name, len);
  key.name[len] = '\0';
  return RB_FIND(ff_callee_tree, tree, &key);
}

void ff_free_callees(struct ff_callee_tree *tree) {
  struct ff_callee *c, *next;
  RB_FOREACH_SAFE(c, ff_callee_tree, tree, next) {
    RB_REMOVE(ff_callee_tree, tree, c);
    free(c);
  }
}

int ff_read_callees(LLVMModuleRef M, struct ff_callee_tree *tree, char *err,
                    size_t errlen) {
  unsigned n = LLVMGetNamedMetadataNumOperands(M, FF_CALLEES_MD);
  LLVMValueRef *nodes = ff_xcalloc(n, sizeof *nodes);
  int rc = 0;
  LLVMGetNamedMetadataOperands(M, FF_CALLEES_MD, nodes);
  for (unsigned i = 0; i < n && rc == 0; i++) {
    LLVMValueRef ops[3];
    unsigned len = 0;
    const char *name = NULL;
    if (LLVMGetMDNodeNumOperands(nodes[i]) == 3) {
      LLVMGetMDNodeOperands(nodes[i], ops);
      name = LLVMGetMDString(ops[0], &len);
    }
    if (name != NULL && len > 0 && len <= FAASFUSE_NAME_MAX && ops[2] == NULL) {
      /* An LTO link moves no global that nothing refers to: a callee
       * prepared by faasfuse-callee<> and compiled for LTO has no registry
       * entry to keep its descriptor. */
      ff_error(err, errlen,
               "the LTO link dropped the descriptor of callee '%.*s' (nothing "
               "referred to it): for LTO, prepare the callee's object with clang "
               "-fpass-plugin and -mllvm -faasfuse-callee=%.*s, or (bitcode from "
               "elsewhere, such as rustc's) FAASFUSE_CALLEE=%.*s opt "
               "-passes='default<O2>', which register it",
               (int)len, name, (int)len, name, (int)len, name);
      rc = -1;
      break;
    }
    if (name == NULL || (ops[1] != NULL && LLVMIsAFunction(ops[1]) == NULL) ||
        ops[2] == NULL || LLVMIsAGlobalVariable(ops[2]) == NULL) {
      ff_error(err, errlen, "malformed !%s entry %u (was the module edited by hand?)",
               FF_CALLEES_MD, i);
      rc = -1;
      break;
    }
    if (len > FAASFUSE_NAME_MAX) {
      ff_error(err, errlen, "malformed !%s entry %u", FF_CALLEES_MD, i);
      rc = -1;
      break;
    }
    struct ff_callee *c = ff_xcalloc(1, sizeof *c);
    memcpy(c->name, name, len);
    c->desc = ops[2];
    /* LTO drops a wrapper no object referred to; the descriptor, which the
     * registry keeps, gives it back. */
    c->wrapper = ops[1] != NULL ? ops[1] : ff_emit_wrapper(M, c->name, c->desc);
    if (RB_INSERT(ff_callee_tree, tree, c) != NULL) {
      ff_error(err, errlen,
               "two callees are named '%s': each Nightcore function may be "
               "merged once", c->name);
      free(c);
      rc = -1;
    }
  }
  free(nodes);
  return rc;
}

/* int __faasfuse_callee_NAME(ctx, in, len, &out, &outlen): the runtime's
 * merged call on the descriptor. */
LLVMValueRef ff_emit_wrapper(LLVMModuleRef M, const char *name, LLVMValueRef desc) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i32 = LLVMInt32TypeInContext(C),
              i64 = LLVMInt64TypeInContext(C);
  char sym[FAASFUSE_NAME_MAX + 64];
  LLVMTypeRef wparams[5] = {i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  LLVMTypeRef WT = LLVMFunctionType(i32, wparams, 5, 0);
  snprintf(sym, sizeof sym, FF_WRAPPER_PREFIX "%s", name);
  LLVMValueRef W = LLVMAddFunction(M, sym, WT);
  LLVMSetLinkage(W, LLVMExternalLinkage);
  LLVMSetVisibility(W, LLVMHiddenVisibility);
  LLVMTypeRef cparams[6] = {i8p, i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  LLVMValueRef rt_call =
      ff_get_or_declare(M, FAASFUSE_RT_CALL, LLVMFunctionType(i32, cparams, 6, 0));
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(C, W, "entry"));
  LLVMValueRef args[6] = {ff_const_ptr_cast(desc, i8p), LLVMGetParam(W, 0),
                          LLVMGetParam(W, 1), LLVMGetParam(W, 2),
                          LLVMGetParam(W, 3), LLVMGetParam(W, 4)};
  LLVMValueRef r = ff_build_call(B, rt_call, args, 6);
  /* The runtime's fast path, made this callee's own (its call direct, its
   * flags known) however large the inliner finds it: the wrapper itself is
   * small then, and inlined where the inliner likes. */
  unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
  LLVMAddCallSiteAttribute(r, LLVMAttributeFunctionIndex,
                           LLVMCreateEnumAttribute(C, always, 0));
  LLVMBuildRet(B, r);
  LLVMDisposeBuilder(B);
  return W;
}

void ff_emit_callee(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI],
                    uint64_t flags, LLVMValueRef *wrapper_out, LLVMValueRef *desc_out) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i32 = LLVMInt32TypeInContext(C);
  char sym[FAASFUSE_NAME_MAX + 64];
  size_t nlen = strlen(name);

  /* The name as a C string the runtime can print and compare. */
  snprintf(sym, sizeof sym, "__faasfuse_name_%s", *name ? name : FF_ENTRY_TAG);
  LLVMValueRef str = LLVMConstStringInContext(C, name, (unsigned)nlen, 0);
  LLVMValueRef gstr = LLVMAddGlobal(M, LLVMTypeOf(str), sym);
  LLVMSetInitializer(gstr, str);
  LLVMSetGlobalConstant(gstr, 1);
  LLVMSetLinkage(gstr, LLVMPrivateLinkage);
  LLVMSetUnnamedAddr(gstr, 1);

  /* struct faasfuse_callee_state: what the runtime writes. */
  LLVMTypeRef state_fields[2] = {i32, i32};
  LLVMTypeRef ST = LLVMStructTypeInContext(C, state_fields, 2, 0);
  snprintf(sym, sizeof sym, "__faasfuse_state_%s", *name ? name : FF_ENTRY_TAG);
  LLVMValueRef state = LLVMAddGlobal(M, ST, sym);
  LLVMSetInitializer(state, LLVMConstNull(ST));
  LLVMSetLinkage(state, LLVMInternalLinkage);
  LLVMSetAlignment(state, 8);

  /* struct faasfuse_callee (include/faasfuse/runtime.h), field by field: a
   * constant, so that inlined runtime code calls the callee directly. */
  LLVMTypeRef i64 = LLVMInt64TypeInContext(C);
  LLVMTypeRef fields[7] = {i8p, i8p, i8p, i8p, i8p, i8p, i64};
  LLVMTypeRef DT = LLVMStructTypeInContext(C, fields, 7, 0);
  LLVMValueRef init[7];
  init[0] = ff_const_ptr_cast(gstr, i8p);
  for (int i = 0; i < FF_NABI; i++)
    init[1 + i] = fns[i] ? ff_const_ptr_cast(fns[i], i8p) : LLVMConstNull(i8p);
  init[5] = ff_const_ptr_cast(state, i8p);
  init[6] = LLVMConstInt(i64, flags, 0);
  snprintf(sym, sizeof sym, FF_DESC_PREFIX "%s", *name ? name : FF_ENTRY_TAG);
  LLVMValueRef desc = LLVMAddGlobal(M, DT, sym);
  LLVMSetInitializer(desc, LLVMConstStructInContext(C, init, 7, 0));
  LLVMSetGlobalConstant(desc, 1);
  LLVMSetLinkage(desc, LLVMInternalLinkage);
  LLVMSetAlignment(desc, 8);
  *desc_out = desc;
  *wrapper_out = NULL;
  if (*name == '\0')
    return; /* an unnamed entry cannot be called by name */

  LLVMValueRef W = ff_emit_wrapper(M, name, desc);
  *wrapper_out = W;

  LLVMMetadataRef ops[3] = {LLVMMDStringInContext2(C, name, nlen),
                            LLVMValueAsMetadata(W), LLVMValueAsMetadata(desc)};
  LLVMAddNamedMetadataOperand(
      M, FF_CALLEES_MD, LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, ops, 3)));
}

/* The registry entry is in @llvm.used, not just @llvm.compiler.used: on ELF
 * that marks its section SHF_GNU_RETAIN, which keeps it through every
 * linker's --gc-sections (lld does not count the runtime's __start_/__stop_
 * references as uses). */
void ff_register_descriptor(LLVMModuleRef M, LLVMValueRef desc) {
  LLVMTypeRef i8p = ff_i8p(M);
  size_t len;
  const char *dname = LLVMGetValueName2(desc, &len);
  char sym[FAASFUSE_NAME_MAX + 64];
  snprintf(sym, sizeof sym, "__faasfuse_reg.%.*s", (int)len, dname);
  LLVMValueRef G = LLVMAddGlobal(M, i8p, sym);
  LLVMSetInitializer(G, ff_const_ptr_cast(desc, i8p));
  LLVMSetGlobalConstant(G, 1);
  LLVMSetLinkage(G, LLVMInternalLinkage);
  LLVMSetSection(G, FF_REGISTRY_SECTION);
  LLVMSetAlignment(G, 8);
  ff_add_used(M, "llvm.used", G);
}

LLVMValueRef ff_callee_table(LLVMModuleRef M, struct ff_callee_tree *callees,
                             LLVMValueRef *wrappers) {
  LLVMTypeRef i8p = ff_i8p(M);
  struct ff_callee *c;
  unsigned n = 0;
  RB_FOREACH(c, ff_callee_tree, callees)
    n++;
  LLVMValueRef *elems = ff_xreallocarray(NULL, n, sizeof *elems);
  n = 0;
  RB_FOREACH(c, ff_callee_tree, callees) {
    wrappers[n] = c->wrapper;
    elems[n++] = ff_const_ptr_cast(c->desc, i8p);
  }
  LLVMValueRef init = LLVMConstArray(i8p, elems, n);
  LLVMValueRef G = LLVMAddGlobal(M, LLVMTypeOf(init), "__faasfuse_dispatch_table");
  LLVMSetInitializer(G, init);
  LLVMSetGlobalConstant(G, 1);
  LLVMSetLinkage(G, LLVMInternalLinkage);
  free(elems);
  return G;
}

unsigned ff_count_callees(struct ff_callee_tree *callees) {
  struct ff_callee *c;
  unsigned n = 0;
  RB_FOREACH(c, ff_callee_tree, callees)
    n++;
  return n;
}

void ff_abi_symbol(char *dst, size_t dstlen, const char *name, enum ff_abi which,
                   bool guarded) {
  snprintf(dst, dstlen, "__faasfuse.%s.%s%s", *name ? name : FF_ENTRY_TAG,
           guarded ? "guarded." : "", ff_abi_names[which]);
}

bool ff_has_callee(LLVMModuleRef M, const char *name) {
  char sym[FAASFUSE_NAME_MAX + 32];
  snprintf(sym, sizeof sym, FF_WRAPPER_PREFIX "%s", name);
  return LLVMGetNamedFunction(M, sym) != NULL;
}

/* The wrapper of a callee that may be linked in from another object: a
 * hidden weak reference, null when it is not. */
LLVMValueRef ff_weak_wrapper(LLVMModuleRef M, const char *name) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i64 = LLVMInt64TypeInContext(C);
  LLVMTypeRef params[5] = {i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  char sym[FAASFUSE_NAME_MAX + 32];
  snprintf(sym, sizeof sym, FF_WRAPPER_PREFIX "%s", name);
  LLVMValueRef F = LLVMGetNamedFunction(M, sym);
  if (F != NULL)
    return F;
  F = LLVMAddFunction(M, sym, LLVMFunctionType(LLVMInt32TypeInContext(C), params, 5, 0));
  LLVMSetLinkage(F, LLVMExternalWeakLinkage);
  LLVMSetVisibility(F, LLVMHiddenVisibility);
  return F;
}
