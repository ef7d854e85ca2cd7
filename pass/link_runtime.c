/*
 * Linking: the callees named by `link=NAME:PATH` (prepared first), and the
 * runtime every merged module needs (runtime/faasfuse_rt.c), in one of two
 * forms embedded in the plugin:
 *   precompiled  for a module of the target the plugin was built on, fused
 *                whole (opt, faas-merge) and not sanitized: its fast paths
 *                as available_externally IR for -O2 to inline, and, once
 *                the module is fused, the assembly of what it uses as
 *                module-level assembly. Reading and linking the runtime's
 *                IR was most of the pass's time on small modules.
 *   IR           everywhere else: other targets, sanitizers (which must see
 *                the runtime's code), and the per-object and LTO routes,
 *                whose several copies are made one (assembly cannot be).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Linker.h>
#include <llvm-c/TargetMachine.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"
#include "precompiled_runtime.h"

extern const char faasfuse_runtime_bitcode[];
extern const char faasfuse_runtime_bitcode_end[];
extern const char faasfuse_runtime_inline_bitcode[];
extern const char faasfuse_runtime_inline_bitcode_end[];

/* Parses bitcode without letting LLVM report to the context (which would end
 * opt on the spot with its own message). */
static LLVMModuleRef parse_bitcode(LLVMContextRef C, LLVMMemoryBufferRef buf,
                                   char **msg) {
  LLVMModuleRef mod = NULL;
  if (LLVMParseBitcodeInContext(C, buf, &mod, msg))
    return NULL;
  return mod;
}

/* One of the runtime's forms embedded in the plugin. */
static LLVMModuleRef load_embedded(LLVMContextRef C, const char *start, const char *end,
                                   char *err, size_t errlen) {
  char *msg = NULL;
  LLVMMemoryBufferRef buf =
      LLVMCreateMemoryBufferWithMemoryRange(start, (size_t)(end - start), "faasfuse_rt", 0);
  LLVMModuleRef rt = parse_bitcode(C, buf, &msg);
  LLVMDisposeMemoryBuffer(buf);
  if (rt == NULL) {
    ff_error(err, errlen, "the embedded runtime does not load: %s (plugin built "
             "for another LLVM?)", msg ? msg : "unknown error");
    LLVMDisposeMessage(msg);
  }
  return rt;
}

int ff_link_callees(LLVMModuleRef M, const struct faasfuse_options *opts,
                    char *err, size_t errlen) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  for (size_t i = 0; i < opts->nlinks; i++) {
    const struct faasfuse_link *l = &opts->links[i];
    LLVMMemoryBufferRef buf = NULL;
    char *msg = NULL;
    char why[512];
    if (ff_has_callee(M, l->name)) {
      ff_error(err, errlen, "link=%s:%s: two callees are named '%s' (the module "
               "already has one)", l->name, l->path, l->name);
      return -1;
    }
    if (LLVMCreateMemoryBufferWithContentsOfFile(l->path, &buf, &msg)) {
      ff_error(err, errlen, "link=%s:%s: cannot read the file: %s", l->name,
               l->path, msg ? msg : "unknown error");
      LLVMDisposeMessage(msg);
      return -1;
    }
    /* Bitcode or textual IR; LLVMParseIRInContext owns the buffer. */
    LLVMModuleRef callee = NULL;
    if (LLVMParseIRInContext(C, buf, &callee, &msg)) {
      ff_error(err, errlen,
               "link=%s:%s: not IR this LLVM (%d) can read: %s", l->name,
               l->path, LLVM_VERSION_MAJOR, msg ? msg : "unknown error");
      LLVMDisposeMessage(msg);
      return -1;
    }
    if (faasfuse_prepare_callee(callee, l->name, why, sizeof why) != 0) {
      ff_error(err, errlen, "link=%s:%s: %s", l->name, l->path, why);
      LLVMDisposeModule(callee);
      return -1;
    }
    LLVMSetDataLayout(callee, LLVMGetDataLayoutStr(M));
    LLVMSetTarget(callee, LLVMGetTarget(M));
    if (LLVMLinkModules2(M, callee)) {
      ff_error(err, errlen, "link=%s:%s: linking failed", l->name, l->path);
      return -1;
    }
  }
  return 0;
}

bool ff_has_runtime(LLVMModuleRef M) { return ff_defines(M, FAASFUSE_RT_CALL); }

/* One copy per library, whatever the number of objects holding it: entry
 * points keep their names (a call site compares against
 * __faasfuse_invoke's address), state gets a reserved name; both become
 * linkonce_odr and hidden. Helpers and constants stay private per object. */
static void share_runtime_state(LLVMModuleRef rt) {
  for (LLVMValueRef G = LLVMGetFirstGlobal(rt); G; G = LLVMGetNextGlobal(G)) {
    size_t len;
    const char *name = LLVMGetValueName2(G, &len);
    char renamed[256];
    if (LLVMIsDeclaration(G) || LLVMIsGlobalConstant(G) ||
        LLVMGetLinkage(G) != LLVMInternalLinkage)
      continue;
    snprintf(renamed, sizeof renamed, "__faasfuse_rt.%.*s", (int)len, name);
    LLVMSetValueName2(G, renamed, strlen(renamed));
    LLVMSetLinkage(G, LLVMLinkOnceODRLinkage);
    LLVMSetVisibility(G, LLVMHiddenVisibility);
  }
}

/* LTO: callee objects brought copies of the runtime (linkonce_odr, hidden),
 * which the LTO link has made internal by now. Linked beside them, a fresh
 * copy would be a second runtime, with its own __faasfuse_invoke (that the
 * sites compare against) and its own state. Made linkonce_odr again, each
 * copy's entry points and state become one with the fresh copy's. */
static void reclaim_runtime_copies(LLVMModuleRef M, LLVMModuleRef rt) {
  for (LLVMValueRef F = LLVMGetFirstFunction(rt); F; F = LLVMGetNextFunction(F)) {
    size_t len;
    const char *name = LLVMGetValueName2(F, &len);
    LLVMValueRef mine = LLVMGetNamedFunction(M, name);
    if (LLVMIsDeclaration(F) || LLVMGetLinkage(F) == LLVMInternalLinkage ||
        LLVMGetLinkage(F) == LLVMPrivateLinkage || mine == NULL || LLVMIsDeclaration(mine))
      continue;
    if (LLVMGetLinkage(mine) == LLVMInternalLinkage || LLVMGetLinkage(mine) == LLVMPrivateLinkage) {
      LLVMSetLinkage(mine, LLVMLinkOnceODRLinkage);
      LLVMSetVisibility(mine, LLVMHiddenVisibility);
    }
  }
  for (LLVMValueRef G = LLVMGetFirstGlobal(rt); G; G = LLVMGetNextGlobal(G)) {
    size_t len;
    const char *name = LLVMGetValueName2(G, &len);
    LLVMValueRef mine = LLVMGetNamedGlobal(M, name);
    if (LLVMIsDeclaration(G) || LLVMGetLinkage(G) != LLVMLinkOnceODRLinkage ||
        mine == NULL || LLVMIsDeclaration(mine))
      continue;
    if (LLVMGetLinkage(mine) == LLVMInternalLinkage || LLVMGetLinkage(mine) == LLVMPrivateLinkage) {
      LLVMSetLinkage(mine, LLVMLinkOnceODRLinkage);
      LLVMSetVisibility(mine, LLVMHiddenVisibility);
    }
  }
}

/* The components of a normalized triple that decide what code runs:
 * architecture, system, environment (the vendor does not). */
static bool same_target(const char *a, const char *b) {
  char *na = LLVMNormalizeTargetTriple(a), *nb = LLVMNormalizeTargetTriple(b);
  bool same = true;
  const char *p = na, *q = nb;
  for (int k = 0; k < 4; k++) {
    size_t lp = strcspn(p, "-"), lq = strcspn(q, "-");
    if (k != 1 && (lp != lq || memcmp(p, q, lp) != 0))
      same = false;
    p += lp + (p[lp] == '-');
    q += lq + (q[lq] == '-');
  }
  LLVMDisposeMessage(na);
  LLVMDisposeMessage(nb);
  return same;
}

/* Code generation must see the runtime's code: a sanitizer instruments it
 * (ThreadSanitizer must see its atomics), or control-flow protection marks
 * the object as having an endbr64 at every function whose address is taken
 * (the precompiled code has none). */
static bool wants_runtime_ir(LLVMModuleRef M) {
  static const char cet[] = "cf-protection-branch";
  if (LLVMGetModuleFlag(M, cet, sizeof cet - 1) != NULL)
    return true;
  static const char *const kinds[] = {"sanitize_address", "sanitize_thread",
                                      "sanitize_memory", "sanitize_hwaddress",
                                      "sanitize_memtag"};
  unsigned ids[sizeof kinds / sizeof kinds[0]];
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    ids[k] = LLVMGetEnumAttributeKindForName(kinds[k], strlen(kinds[k]));
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F)) {
    if (LLVMIsDeclaration(F))
      continue;
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
      if (ids[k] != 0 && LLVMGetEnumAttributeAtIndex(F, LLVMAttributeFunctionIndex, ids[k]))
        return true;
  }
  return false;
}

/* The inlinable part is parsed into the module's own context, so its types,
 * attributes and metadata are the module's already: its bodies can move
 * into the module as they are, and only the globals they refer to need
 * mapping. The linker does the same with far more work (a walk of every
 * type the whole module uses before it links anything), which was a fifth
 * of the pass at 100 call sites. It serves instead whenever the module has
 * a runtime symbol of another type or kind, or defines one. */
static bool adoptable(LLVMModuleRef M, LLVMModuleRef rt) {
  if (LLVMGetFirstGlobal(rt) != NULL || LLVMGetFirstGlobalAlias(rt) != NULL)
    return false;
  for (LLVMValueRef F = LLVMGetFirstFunction(rt); F; F = LLVMGetNextFunction(F)) {
    size_t len;
    const char *name = LLVMGetValueName2(F, &len);
    LLVMValueRef mine = LLVMGetNamedFunction(M, name);
    if (mine != NULL && (!LLVMIsDeclaration(mine) ||
                         LLVMGlobalGetValueType(mine) != LLVMGlobalGetValueType(F)))
      return false;
    if (mine == NULL && (LLVMGetNamedGlobal(M, name) != NULL ||
                         LLVMGetNamedGlobalAlias(M, name, len) != NULL ||
                         LLVMGetNamedGlobalIFunc(M, name, len) != NULL))
      return false;
  }
  return true;
}

static void copy_attributes(LLVMValueRef to, LLVMValueRef from) {
  unsigned n = LLVMCountParams(from);
  for (long i = -1; i <= (long)n; i++) {
    LLVMAttributeIndex at = i < 0 ? LLVMAttributeFunctionIndex : (LLVMAttributeIndex)i;
    unsigned count = LLVMGetAttributeCountAtIndex(from, at);
    if (count == 0)
      continue;
    LLVMAttributeRef *attrs = ff_xcalloc(count, sizeof *attrs);
    LLVMGetAttributesAtIndex(from, at, attrs);
    for (unsigned k = 0; k < count; k++)
      LLVMAddAttributeAtIndex(to, at, attrs[k]);
    free(attrs);
  }
}

/* `from`'s blocks, arguments and properties handed to `to` (a fresh or
 * bare declaration of the same type). */
static void move_body(LLVMValueRef to, LLVMValueRef from) {
  LLVMContextRef C = LLVMGetTypeContext(LLVMTypeOf(to));
  /* After, not before: moving before a block keeps the moved block's parent
   * (LLVM 17 on), while moving after one makes it that block's function's. */
  LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(C, to, ""), last = start;
  LLVMBasicBlockRef next;
  for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(from); B; B = next) {
    next = LLVMGetNextBasicBlock(B);
    LLVMMoveBasicBlockAfter(B, last);
    last = B;
  }
  LLVMDeleteBasicBlock(start);
  for (unsigned i = 0, n = LLVMCountParams(from); i < n; i++) {
    size_t len;
    const char *name = LLVMGetValueName2(LLVMGetParam(from, i), &len);
    LLVMReplaceAllUsesWith(LLVMGetParam(from, i), LLVMGetParam(to, i));
    LLVMSetValueName2(LLVMGetParam(to, i), name, len);
  }
  size_t nmd;
  LLVMValueMetadataEntry *md = LLVMGlobalCopyAllMetadata(from, &nmd);
  for (size_t k = 0; k < nmd; k++)
    LLVMGlobalSetMetadata(to, LLVMValueMetadataEntriesGetKind(md, (unsigned)k),
                          LLVMValueMetadataEntriesGetMetadata(md, (unsigned)k));
  LLVMDisposeValueMetadataEntries(md);
  LLVMSetAlignment(to, LLVMGetAlignment(from));
  const char *section = LLVMGetSection(from);
  if (section != NULL && *section)
    LLVMSetSection(to, section);
}

/* Moves the inlinable part's functions into M and disposes of it; false,
 * with nothing moved, where the linker must do it. */
static bool adopt_runtime(LLVMModuleRef M, LLVMModuleRef rt) {
  if (!adoptable(M, rt))
    return false;
  LLVMValueRef next;
  for (LLVMValueRef F = LLVMGetFirstFunction(rt); F; F = next) {
    next = LLVMGetNextFunction(F);
    size_t len;
    const char *name = LLVMGetValueName2(F, &len);
    LLVMValueRef mine = LLVMGetNamedFunction(M, name);
    bool fresh = (mine == NULL);
    if (fresh)
      mine = LLVMAddFunction(M, name, LLVMGlobalGetValueType(F));
    if (fresh || !LLVMIsDeclaration(F)) {
      LLVMSetFunctionCallConv(mine, LLVMGetFunctionCallConv(F));
      copy_attributes(mine, F);
      LLVMSetLinkage(mine, LLVMGetLinkage(F));
      LLVMSetVisibility(mine, LLVMGetVisibility(F));
      /* As the linker does: the least of the two (the pass's own
       * declarations have none, and appends' addresses are compared). */
      LLVMUnnamedAddr ua = LLVMGetUnnamedAddress(F);
      if (!fresh && LLVMGetUnnamedAddress(mine) < ua)
        ua = LLVMGetUnnamedAddress(mine);
      LLVMSetUnnamedAddress(mine, ua);
    }
    if (!LLVMIsDeclaration(F))
      move_body(mine, F);
    LLVMReplaceAllUsesWith(F, mine);
  }
  LLVMDisposeModule(rt);
  return true;
}

/* 0: linked; 1: not for this module (the IR runtime serves); -1: error. */
static int link_precompiled(LLVMModuleRef M, bool required, char *err, size_t errlen) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  if (!required && wants_runtime_ir(M))
    return 1;
  const char *triple = LLVMGetTarget(M);
  if (!*triple || !same_target(triple, ff_rt_triple)) {
    if (required)
      ff_error(err, errlen, "faasfuse: runtime=precompiled: the runtime is precompiled "
               "for %s, the module %s%s (runtime=ir serves any target)", ff_rt_triple,
               *triple ? "is for " : "names no target triple", triple);
    return required ? -1 : 1;
  }
  /* Options that change the ABI change the layout too (-malign-double,
   * -mlong-double-128, ...): the precompiled code knows only its own. */
  if (strcmp(LLVMGetDataLayoutStr(M), ff_rt_data_layout) != 0) {
    if (required)
      ff_error(err, errlen, "faasfuse: runtime=precompiled: the module's data layout "
               "'%s' is not the precompiled runtime's '%s' (runtime=ir serves any "
               "layout)", LLVMGetDataLayoutStr(M), ff_rt_data_layout);
    return required ? -1 : 1;
  }
  LLVMModuleRef rt = load_embedded(C, faasfuse_runtime_inline_bitcode,
                                   faasfuse_runtime_inline_bitcode_end, err, errlen);
  if (rt == NULL)
    return -1;
  /* The pass calls runtime functions the inlinable part does not use, which
   * the linker would leave behind (the ones it uses come with it, with their
   * calling conventions and attributes). */
  for (LLVMValueRef F = LLVMGetFirstFunction(rt); F; F = LLVMGetNextFunction(F)) {
    size_t len;
    const char *name = LLVMGetValueName2(F, &len);
    if ((LLVMIsDeclaration(F) && LLVMGetFirstUse(F) != NULL) ||
        LLVMGetNamedFunction(M, name) != NULL)
      continue;
    LLVMValueRef D = LLVMAddFunction(M, name, LLVMGlobalGetValueType(F));
    LLVMSetVisibility(D, LLVMHiddenVisibility);
  }
  if (adopt_runtime(M, rt))
    return 0;
  LLVMSetDataLayout(rt, LLVMGetDataLayoutStr(M));
  LLVMSetTarget(rt, triple);
  if (LLVMLinkModules2(M, rt)) {
    ff_error(err, errlen, "linking the faasfuse runtime failed");
    return -1;
  }
  return 0;
}

static bool is_faasfuse_symbol(LLVMValueRef G) {
  size_t len;
  const char *name = LLVMGetValueName2(G, &len);
  return strncmp(name, "__faasfuse_", 11) == 0 || strncmp(name, "__faasfuse.", 11) == 0;
}

/* Used by the module's own code, not only by the inlinable bodies (which
 * count once inlined, and then refer to pieces the body's piece refers to). */
static bool used_by_module(LLVMValueRef V) {
  for (LLVMUseRef U = LLVMGetFirstUse(V); U; U = LLVMGetNextUse(U)) {
    LLVMValueRef user = LLVMGetUser(U);
    if (!LLVMIsAInstruction(user) ||
        LLVMGetLinkage(LLVMGetBasicBlockParent(LLVMGetInstructionParent(user))) !=
            LLVMAvailableExternallyLinkage)
      return true;
  }
  return false;
}

static void need_piece(bool *need, unsigned i) {
  if (need[i])
    return;
  need[i] = true;
  for (unsigned k = 0; k < ff_rt_pieces[i].ndeps; k++)
    need_piece(need, ff_rt_pieces[i].deps[k]);
}

/* A runtime symbol nothing uses goes: its declaration would be emitted as
 * an undefined hidden symbol (at -O0 nothing else removes it), which the
 * linker refuses, and no piece defines it. */
static void drop_unused_runtime(LLVMModuleRef M) {
  bool dropped;
  do {
    dropped = false;
    LLVMValueRef next;
    for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = next) {
      next = LLVMGetNextFunction(F);
      if (is_faasfuse_symbol(F) && LLVMGetFirstUse(F) == NULL &&
          (LLVMIsDeclaration(F) || LLVMGetLinkage(F) == LLVMAvailableExternallyLinkage)) {
        LLVMDeleteFunction(F);
        dropped = true;
      }
    }
  } while (dropped);
  LLVMValueRef next;
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = next) {
    next = LLVMGetNextGlobal(G);
    if (is_faasfuse_symbol(G) && LLVMIsDeclaration(G) && LLVMGetFirstUse(G) == NULL)
      LLVMDeleteGlobal(G);
  }
}

/* Module-level assembly between these two lines is the precompiled runtime
 * the pass added (comments of the x86 assembler, the only target it is
 * precompiled for): ff_trim_precompiled_runtime replaces it. */
static const char pieces_begin[] = "# faasfuse: precompiled runtime begin";
static const char pieces_end[] = "# faasfuse: precompiled runtime end";

/* len bytes of s at text + *n, *n moved past them. */
static void put(char *text, size_t *n, const char *s, size_t len) {
  memcpy(text + *n, s, len);
  *n += len;
}

/* The module-level assembly of the pieces the module uses, between the
 * marker lines, or NULL if it uses none. */
static char *pieces_for(LLVMModuleRef M, size_t *len) {
  bool *need = ff_xcalloc(ff_rt_npieces, sizeof *need);
  static const char text_again[] = "\t.text\n"; /* where assembly after it expects to be */
  size_t n = 0;
  drop_unused_runtime(M);
  for (unsigned i = 0; i < ff_rt_npieces; i++) {
    LLVMValueRef V = LLVMGetNamedFunction(M, ff_rt_pieces[i].name);
    if (V == NULL)
      V = LLVMGetNamedGlobal(M, ff_rt_pieces[i].name);
    if (V != NULL && used_by_module(V))
      need_piece(need, i);
  }
  for (unsigned i = 0; i < ff_rt_npieces; i++)
    if (need[i])
      n += ff_rt_pieces[i].len + 1;
  char *text = NULL;
  if (n > 0) {
    text = ff_xmalloc(n + sizeof pieces_begin + sizeof text_again + sizeof pieces_end);
    n = 0;
    put(text, &n, pieces_begin, sizeof pieces_begin - 1);
    put(text, &n, "\n", 1);
    for (unsigned i = 0; i < ff_rt_npieces; i++)
      if (need[i]) {
        put(text, &n, ff_rt_pieces[i].text, ff_rt_pieces[i].len);
        if (ff_rt_pieces[i].len > 0 && text[n - 1] != '\n')
          put(text, &n, "\n", 1);
      }
    put(text, &n, text_again, sizeof text_again - 1);
    put(text, &n, pieces_end, sizeof pieces_end - 1);
    put(text, &n, "\n", 1);
  }
  free(need);
  *len = n;
  return text;
}

void ff_add_precompiled_runtime(LLVMModuleRef M) {
  size_t len;
  char *text = pieces_for(M, &len);
  if (text != NULL)
    LLVMAppendModuleInlineAsm(M, text, len);
  free(text);
}

/* The pieces were chosen before the optimizer ran, by what the module's
 * code called then; once it has run, much of that is inlined or gone (a
 * callee's wrapper nothing calls, the fused call's out-of-line copy). Run
 * last in the optimizer's pipeline, this chooses them again by what is
 * left, in the same place among the module's own assembly, and is a no-op
 * on a module without them. */
bool ff_trim_precompiled_runtime(LLVMModuleRef M) {
  size_t len;
  const char *asm_text = LLVMGetModuleInlineAsm(M, &len);
  const char *begin = asm_text ? strnstr(asm_text, pieces_begin, len) : NULL;
  if (begin == NULL)
    return false;
  const char *end = strnstr(begin, pieces_end, len - (size_t)(begin - asm_text));
  if (end == NULL)
    return false; /* not ours to cut */
  end += sizeof pieces_end - 1;
  if (end < asm_text + len && *end == '\n')
    end++;
  size_t head = (size_t)(begin - asm_text), tail = len - (size_t)(end - asm_text);
  size_t plen;
  char *pieces = pieces_for(M, &plen); /* changes functions, not asm_text */
  char *text = ff_xmalloc(head + plen + tail + 1);
  size_t n = 0;
  put(text, &n, asm_text, head);
  if (pieces != NULL)
    put(text, &n, pieces, plen);
  put(text, &n, end, tail);
  LLVMSetModuleInlineAsm2(M, text, n);
  free(text);
  free(pieces);
  return true;
}

int ff_link_runtime(LLVMModuleRef M, bool shared, enum faasfuse_runtime how,
                    bool *precompiled, char *err, size_t errlen) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  /* Objects linked for LTO may hold shared copies already, some of them
   * cut down to what those objects used: a whole copy replaces them. */
  if (ff_has_runtime(M) && !shared) {
    ff_error(err, errlen, "the module already contains the faasfuse runtime");
    return -1;
  }
  if (!shared && how != FAASFUSE_RUNTIME_IR) {
    int rc = link_precompiled(M, how == FAASFUSE_RUNTIME_PRECOMPILED, err, errlen);
    *precompiled = (rc == 0);
    if (rc <= 0)
      return rc;
  }
  LLVMModuleRef rt = load_embedded(C, faasfuse_runtime_bitcode,
                                   faasfuse_runtime_bitcode_end, err, errlen);
  if (rt == NULL)
    return -1;
  /* The runtime is target-neutral C; take the module's layout and triple so
   * the linker has nothing to warn about. */
  LLVMSetDataLayout(rt, LLVMGetDataLayoutStr(M));
  LLVMSetTarget(rt, LLVMGetTarget(M));
  if (shared) {
    share_runtime_state(rt);
    reclaim_runtime_copies(M, rt);
  }
  if (LLVMLinkModules2(M, rt)) {
    ff_error(err, errlen, "linking the faasfuse runtime failed");
    return -1;
  }
  return 0;
}

/* After the module's last use of them (the linker drops linkonce_odr
 * definitions nothing refers to yet). */
void ff_share_runtime_entry_points(LLVMModuleRef M) {
  static const char *const api[] = {
      FAASFUSE_RT_INVOKE,      FAASFUSE_RT_APPEND,       FAASFUSE_RT_ROOT_APPEND,
      FAASFUSE_RT_CALL,        FAASFUSE_RT_DISPATCH,     FAASFUSE_RT_LOOKUP,
      FAASFUSE_RT_CAUGHT,      FAASFUSE_RT_ENTRY_INIT,   FAASFUSE_RT_ENTRY_CREATE,
      FAASFUSE_RT_ENTRY_DESTROY, FAASFUSE_RT_ENTRY_CALL, FAASFUSE_RT_WORKER_APPEND,
      FAASFUSE_RT_ENTRY_APPEND};
  for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
    LLVMValueRef F = LLVMGetNamedFunction(M, api[i]);
    if (F != NULL && !LLVMIsDeclaration(F)) {
      LLVMSetLinkage(F, LLVMLinkOnceODRLinkage);
      LLVMSetVisibility(F, LLVMHiddenVisibility);
    }
  }
}

/* One symbol faasfuse added (private ones are local already). */
static void seal(LLVMValueRef G, bool lto) {
  LLVMLinkage l = LLVMGetLinkage(G);
  /* available_externally: the precompiled runtime's, defined in assembly. */
  if (LLVMIsDeclaration(G) || !is_faasfuse_symbol(G) || l == LLVMPrivateLinkage ||
      l == LLVMAvailableExternallyLinkage)
    return;
  if (!lto) {
    LLVMSetLinkage(G, LLVMInternalLinkage);
    LLVMSetVisibility(G, LLVMDefaultVisibility);
  } else if (l != LLVMInternalLinkage) {
    LLVMSetVisibility(G, LLVMHiddenVisibility);
  }
}

void ff_seal_fused(LLVMModuleRef M, bool lto) {
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    seal(F, lto);
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G))
    seal(G, lto);
}
