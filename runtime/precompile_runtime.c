/*
 * precompile_runtime: splits the runtime's bitcode into what the pass links
 * when the merged module's target is the one the plugin was built on:
 *
 *   precompile_runtime faasfuse_rt.bc faasfuse_rt_inline.bc faasfuse_rt_pieces.c
 *
 *   faasfuse_rt_pieces.c   the whole runtime compiled for this host, one piece
 *                          of assembly per function and variable, each with
 *                          the pieces it refers to: the pass adds, as
 *                          module-level assembly, what the fused module uses,
 *                          every symbol local to the object that carries it;
 *   faasfuse_rt_inline.bc  the fast paths merged code inlines (a fused call,
 *                          the appends), available_externally, and declarations
 *                          of everything else under the names the assembly
 *                          gives it.
 *
 * Parsing and linking the runtime's IR was most of the pass's time on small
 * modules (issue 16): this leaves a few hundred instructions to link. Run at
 * build time only, with the LLVM the plugin is built for.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "build_tool.h"
#include "faasfuse/runtime.h"

/* The runtime's functions that merged code calls on every request: their
 * bodies stay IR so that -O2 inlines them where they are called. Not the
 * RPC (__faasfuse_invoke: a call is nothing beside it) nor the lookup of
 * names known only at run time (a string compare at least, and its IR
 * would cost every module a third more to link). */
static const char *const inlinable[] = {
    FAASFUSE_RT_CALL,          FAASFUSE_RT_APPEND,       FAASFUSE_RT_ROOT_APPEND,
    FAASFUSE_RT_WORKER_APPEND, FAASFUSE_RT_ENTRY_APPEND, FAASFUSE_RT_ENTRY_CALL};

/* Local symbols of the assembly get this prefix, so that they cannot meet a
 * name of the module that carries it. */
#define LOCAL_PREFIX "__faasfuse_rt."

const char *const tool_name = "precompile_runtime";

static const char *name_of(LLVMValueRef V) {
  size_t len;
  return LLVMGetValueName2(V, &len);
}

static int is_inlinable(const char *name) {
  for (size_t i = 0; i < sizeof inlinable / sizeof inlinable[0]; i++)
    if (strcmp(name, inlinable[i]) == 0)
      return 1;
  return 0;
}

static int is_intrinsic_or_meta(const char *name) {
  return strncmp(name, "llvm.", 5) == 0;
}

/* Every symbol the runtime defines gets a name the assembly can keep local:
 * its API names as they are (reserved already), everything else prefixed. */
static void name_definitions(LLVMModuleRef M) {
  unsigned anon = 0;
  char buf[512];
  for (LLVMValueRef G = LLVMGetFirstFunction(M); G; G = LLVMGetNextFunction(G)) {
    const char *name = name_of(G);
    if (LLVMIsDeclaration(G) || strncmp(name, "__faasfuse_", 11) == 0)
      continue;
    snprintf(buf, sizeof buf, LOCAL_PREFIX "%s", name);
    LLVMSetValueName2(G, buf, strlen(buf));
  }
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G)) {
    const char *name = name_of(G);
    if (LLVMIsDeclaration(G) || is_intrinsic_or_meta(name) ||
        strncmp(name, "__faasfuse_", 11) == 0)
      continue;
    if (*name)
      snprintf(buf, sizeof buf, LOCAL_PREFIX "%s", name);
    else
      snprintf(buf, sizeof buf, LOCAL_PREFIX "anon.%u", anon++);
    LLVMSetValueName2(G, buf, strlen(buf));
  }
}

/* --- the pieces of assembly ---------------------------------------------- */

struct piece {
  char name[256];
  unsigned *deps;
  unsigned ndeps;
  char *text;
  size_t len;
};

static struct piece *pieces;
static unsigned npieces;

static long piece_of(LLVMValueRef V) {
  if (V == NULL || !(LLVMIsAFunction(V) || LLVMIsAGlobalVariable(V)) || LLVMIsDeclaration(V))
    return -1;
  for (unsigned i = 0; i < npieces; i++)
    if (strcmp(pieces[i].name, name_of(V)) == 0)
      return i;
  return -1;
}

static void add_dep(struct piece *p, long d) {
  if (d < 0 || &pieces[d] == p)
    return;
  for (unsigned k = 0; k < p->ndeps; k++)
    if (p->deps[k] == (unsigned)d)
      return;
  p->deps = xrealloc(p->deps, (p->ndeps + 1) * sizeof *p->deps);
  p->deps[p->ndeps++] = (unsigned)d;
}

/* The pieces a value refers to, through constant expressions too. */
static void deps_of_value(struct piece *p, LLVMValueRef V, int depth) {
  if (V == NULL || depth > 16)
    return;
  if (LLVMIsAGlobalValue(V)) {
    add_dep(p, piece_of(V));
    return;
  }
  if (LLVMIsAConstant(V) && !LLVMIsAGlobalValue(V))
    for (int k = 0; k < LLVMGetNumOperands(V); k++)
      deps_of_value(p, LLVMGetOperand(V, (unsigned)k), depth + 1);
}

static void add_piece(LLVMValueRef V) {
  pieces = xrealloc(pieces, (npieces + 1) * sizeof *pieces);
  memset(&pieces[npieces], 0, sizeof *pieces);
  snprintf(pieces[npieces++].name, sizeof pieces->name, "%s", name_of(V));
}

static void find_pieces(LLVMModuleRef M) {
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    if (!LLVMIsDeclaration(F))
      add_piece(F);
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G))
    if (!LLVMIsDeclaration(G) && !is_intrinsic_or_meta(name_of(G)))
      add_piece(G);
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F)) {
    long i = piece_of(F);
    if (i < 0)
      continue;
    for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(F); B; B = LLVMGetNextBasicBlock(B))
      for (LLVMValueRef I = LLVMGetFirstInstruction(B); I; I = LLVMGetNextInstruction(I))
        for (int k = 0; k < LLVMGetNumOperands(I); k++)
          deps_of_value(&pieces[i], LLVMGetOperand(I, (unsigned)k), 0);
  }
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G)) {
    long i = piece_of(G);
    if (i >= 0)
      deps_of_value(&pieces[i], LLVMGetInitializer(G), 0);
  }
  /* A variable's destructor (it frees what the variable holds) comes with it. */
  static const char *const lists[] = {"llvm.global_dtors", "llvm.global_ctors"};
  for (size_t l = 0; l < 2; l++) {
    LLVMValueRef list = LLVMGetNamedGlobal(M, lists[l]);
    if (list == NULL)
      continue;
    LLVMValueRef init = LLVMGetInitializer(list);
    for (int e = 0; e < LLVMGetNumOperands(init); e++) {
      long fn = piece_of(LLVMGetOperand(LLVMGetOperand(init, (unsigned)e), 1));
      if (fn < 0)
        continue;
      for (unsigned k = 0; k < pieces[fn].ndeps; k++)
        if (LLVMIsAGlobalVariable(LLVMGetNamedGlobal(M, pieces[pieces[fn].deps[k]].name)))
          add_dep(&pieces[pieces[fn].deps[k]], fn);
    }
  }
}

static int is_api(const char *name) {
  return strncmp(name, "__faasfuse_", 11) == 0 &&
         strncmp(name, LOCAL_PREFIX, strlen(LOCAL_PREFIX)) != 0;
}

/* Used by an instruction or a live constant (a list's entry lingers,
 * unused, once the list is gone). */
static int used(LLVMValueRef V) {
  for (LLVMUseRef U = LLVMGetFirstUse(V); U; U = LLVMGetNextUse(U)) {
    LLVMValueRef user = LLVMGetUser(U);
    if (!LLVMIsConstant(user) || used(user))
      return 1;
  }
  return 0;
}

static void copy_attributes(LLVMValueRef from, LLVMValueRef to) {
  unsigned nparams = LLVMCountParams(from);
  for (long idx = -1; idx <= (long)nparams; idx++) {
    LLVMAttributeIndex i = (LLVMAttributeIndex)idx;
    unsigned n = LLVMGetAttributeCountAtIndex(from, i);
    if (n == 0)
      continue;
    LLVMAttributeRef *attrs = xrealloc(NULL, n * sizeof *attrs);
    LLVMGetAttributesAtIndex(from, i, attrs);
    for (unsigned k = 0; k < n; k++)
      LLVMAddAttributeAtIndex(to, i, attrs[k]);
    free(attrs);
  }
}

/* F's body goes; a declaration of the same name, type, convention and
 * attributes takes its uses. */
static LLVMValueRef to_declaration(LLVMModuleRef M, LLVMValueRef F) {
  char name[512];
  snprintf(name, sizeof name, "%s", name_of(F));
  LLVMValueRef D = LLVMAddFunction(M, LOCAL_PREFIX "declaration", LLVMGlobalGetValueType(F));
  LLVMSetFunctionCallConv(D, LLVMGetFunctionCallConv(F));
  copy_attributes(F, D);
  LLVMReplaceAllUsesWith(F, D);
  LLVMDeleteFunction(F);
  LLVMSetValueName2(D, name, strlen(name));
  LLVMSetLinkage(D, LLVMExternalLinkage);
  LLVMSetVisibility(D, LLVMHiddenVisibility);
  return D;
}

/* Definitions other than `keep` become declarations (hidden: the symbols
 * they name are the object's own); `keep` becomes local to the object. The
 * constructor and destructor lists stay only with `keep_lists`. */
static void keep_only(LLVMModuleRef M, const char *keep, int keep_lists) {
  LLVMValueRef next;
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = next) {
    next = LLVMGetNextFunction(F);
    if (LLVMIsDeclaration(F) || LLVMGetLinkage(F) == LLVMAvailableExternallyLinkage)
      continue;
    if (keep != NULL && strcmp(name_of(F), keep) == 0) {
      LLVMSetLinkage(F, LLVMInternalLinkage);
      LLVMSetVisibility(F, LLVMDefaultVisibility);
    } else {
      to_declaration(M, F);
    }
  }
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = next) {
    next = LLVMGetNextGlobal(G);
    const char *name = name_of(G);
    if (is_intrinsic_or_meta(name)) {
      if (!keep_lists && (strcmp(name, "llvm.global_dtors") == 0 ||
                          strcmp(name, "llvm.global_ctors") == 0))
        LLVMDeleteGlobal(G);
      continue;
    }
    if (LLVMIsDeclaration(G))
      continue;
    if (keep != NULL && strcmp(name, keep) == 0) {
      LLVMSetLinkage(G, LLVMInternalLinkage);
      LLVMSetVisibility(G, LLVMDefaultVisibility);
    } else {
      LLVMSetInitializer(G, NULL);
      LLVMSetLinkage(G, LLVMExternalLinkage);
      LLVMSetVisibility(G, LLVMHiddenVisibility);
    }
  }
}

static void drop_unused_declarations(LLVMModuleRef M, int keep_api) {
  LLVMValueRef next;
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = next) {
    next = LLVMGetNextFunction(F);
    if (LLVMIsDeclaration(F) && !(keep_api && is_api(name_of(F))) && !used(F))
      LLVMDeleteFunction(F);
  }
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = next) {
    next = LLVMGetNextGlobal(G);
    if (LLVMIsDeclaration(G) && !used(G))
      LLVMDeleteGlobal(G);
  }
}

/* The destructor lists name one function each here, so that a piece
 * carries only its own entry. */
static int in_lists(LLVMModuleRef M, const char *fn) {
  static const char *const lists[] = {"llvm.global_dtors", "llvm.global_ctors"};
  int found = 0;
  for (size_t l = 0; l < 2; l++) {
    LLVMValueRef list = LLVMGetNamedGlobal(M, lists[l]);
    if (list == NULL)
      continue;
    LLVMValueRef init = LLVMGetInitializer(list);
    if (LLVMGetNumOperands(init) != 1)
      die("the runtime has more than one constructor or destructor; "
          "precompile_runtime places one", NULL);
    found |= strcmp(name_of(LLVMGetOperand(LLVMGetOperand(init, 0), 1)), fn) == 0;
  }
  return found;
}

static int ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '$';
}

static int starts_line(const char *line, size_t n, const char *directive) {
  size_t k = strlen(directive);
  while (n > 0 && (*line == ' ' || *line == '\t'))
    line++, n--;
  return n >= k && strncmp(line, directive, k) == 0 &&
         (n == k || !ident_char(line[k]));
}

/* The compiler's assembly of one piece, made fit to sit inside another
 * module's: its temporary labels (.LBB0_1, .Lfunc_end0, ...) would collide
 * with the module's and the other pieces', and the file-wide directives are
 * the module's to emit. */
static void keep_assembly(struct piece *p, unsigned index, const char *text, size_t len) {
  static const char *const dropped[] = {".file", ".ident", ".addrsig", ".addrsig_sym"};
  char prefix[64];
  int plen = snprintf(prefix, sizeof prefix, ".L" LOCAL_PREFIX "%u.", index);
  const char *end = text + len;
  size_t cap = 2 * len + 64; /* a prefix per label at most every other byte */
  p->text = xrealloc(NULL, cap);
  p->len = 0;
  while (text < end) {
    const char *nl = memchr(text, '\n', (size_t)(end - text));
    size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
    int drop = 0;
    for (size_t d = 0; d < sizeof dropped / sizeof dropped[0]; d++)
      drop |= starts_line(text, n, dropped[d]);
    if (starts_line(text, n, ".section") && memmem(text, n, ".note.GNU-stack", 15))
      drop = 1;
    for (size_t i = 0, quoted = 0; !drop && i < n; i++) {
      char c = text[i];
      if (p->len + (size_t)plen + 2 > cap)
        p->text = xrealloc(p->text, cap *= 2);
      if (c == '"' && (i == 0 || text[i - 1] != '\\'))
        quoted = !quoted;
      if (!quoted && c == '.' && i + 1 < n && text[i + 1] == 'L' &&
          (i == 0 || !ident_char(text[i - 1]))) {
        memcpy(p->text + p->len, prefix, (size_t)plen);
        p->len += (size_t)plen;
        i++;
        continue;
      }
      p->text[p->len++] = c;
    }
    if (!drop) {
      if (p->len + 1 > cap)
        p->text = xrealloc(p->text, cap *= 2);
      p->text[p->len++] = '\n';
    }
    text += n + (nl != NULL);
  }
}

static void compile_piece(LLVMModuleRef whole, LLVMTargetMachineRef TM, unsigned i) {
  LLVMModuleRef M = LLVMCloneModule(whole);
  char *err = NULL;
  keep_only(M, pieces[i].name, in_lists(M, pieces[i].name));
  drop_unused_declarations(M, 0);
  if (LLVMVerifyModule(M, LLVMReturnStatusAction, &err))
    die("a piece of the runtime does not verify", err);
  LLVMMemoryBufferRef buf;
  if (LLVMTargetMachineEmitToMemoryBuffer(TM, M, LLVMAssemblyFile, &err, &buf))
    die("compiling the runtime failed", err);
  keep_assembly(&pieces[i], i, LLVMGetBufferStart(buf), LLVMGetBufferSize(buf));
  LLVMDisposeMemoryBuffer(buf);
  LLVMDisposeModule(M);
}

static void write_c_string(FILE *out, const char *s, size_t n) {
  fputs("    \"", out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n')
      fputs(i + 1 < n ? "\\n\"\n    \"" : "\\n", out);
    else if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c == '\t')
      fputs("\\t", out);
    else if (c < 32 || c > 126)
      fprintf(out, "\\%03o", c);
    else
      fputc(c, out);
  }
  fputs("\"", out);
}

static void write_pieces(const char *path, const char *triple, const char *layout) {
  FILE *out = fopen(path, "w");
  if (out == NULL)
    die("cannot write", path);
  fprintf(out, "/* Generated by precompile_runtime from the runtime's bitcode: "
               "do not edit. */\n#include \"precompiled_runtime.h\"\n\n"
               "const char ff_rt_triple[] = \"%s\";\n"
               "const char ff_rt_data_layout[] = \"%s\";\n\n", triple, layout);
  fputs("static const unsigned short deps[] = {\n", out);
  unsigned first = 0;
  for (unsigned i = 0; i < npieces; i++)
    for (unsigned k = 0; k < pieces[i].ndeps; k++)
      fprintf(out, "    %u, /* %s -> %s */\n", pieces[i].deps[k], pieces[i].name,
              pieces[pieces[i].deps[k]].name);
  fputs("    0};\n\nconst struct ff_rt_piece ff_rt_pieces[] = {\n", out);
  for (unsigned i = 0; i < npieces; i++) {
    fprintf(out, "  {\"%s\", deps + %u, %u,\n", pieces[i].name, first, pieces[i].ndeps);
    write_c_string(out, pieces[i].text, pieces[i].len);
    fprintf(out, ", %zu},\n", pieces[i].len);
    first += pieces[i].ndeps;
  }
  fprintf(out, "};\n\nconst unsigned ff_rt_npieces = %u;\n", npieces);
  if (fclose(out) != 0)
    die("cannot write", path);
}

/* --- the inlinable part ---------------------------------------------------- */

/* What only code generation reads (the bodies are never compiled: the
 * assembly is), the names of values (which only a reader of the IR sees),
 * and type-based alias information, which buys merged code
 * nothing measurable here (the fields the fast paths touch are told apart
 * by their offsets from one pointer, and the copies from the fields by
 * annotate_runtime's scopes, which stay): each pass that links this part
 * reads it, and reading it is most of what the pass costs a small module. */
static void trim_for_reading(LLVMModuleRef M) {
  unsigned tbaa = LLVMGetMDKindIDInContext(LLVMGetModuleContext(M), "tbaa", 4);
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F)) {
    for (long idx = -1; idx <= (long)LLVMCountParams(F); idx++) {
      LLVMAttributeIndex i = (LLVMAttributeIndex)idx;
      unsigned n = LLVMGetAttributeCountAtIndex(F, i);
      LLVMAttributeRef *attrs = xrealloc(NULL, (n + 1) * sizeof *attrs);
      LLVMGetAttributesAtIndex(F, i, attrs);
      for (unsigned k = 0; k < n; k++)
        if (LLVMIsStringAttribute(attrs[k])) {
          unsigned len;
          const char *key = LLVMGetStringAttributeKind(attrs[k], &len);
          LLVMRemoveStringAttributeAtIndex(F, i, key, len);
        }
      free(attrs);
    }
    for (unsigned i = 0; i < LLVMCountParams(F); i++)
      LLVMSetValueName2(LLVMGetParam(F, i), "", 0);
    for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(F); B; B = LLVMGetNextBasicBlock(B)) {
      LLVMSetValueName2(LLVMBasicBlockAsValue(B), "", 0);
      for (LLVMValueRef I = LLVMGetFirstInstruction(B); I; I = LLVMGetNextInstruction(I)) {
        LLVMSetMetadata(I, tbaa, NULL);
        LLVMSetValueName2(I, "", 0);
      }
    }
  }
}

static void make_inlinable_part(LLVMModuleRef M) {
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    if (!LLVMIsDeclaration(F) && is_inlinable(name_of(F))) {
      LLVMSetLinkage(F, LLVMAvailableExternallyLinkage);
      LLVMSetVisibility(F, LLVMHiddenVisibility);
    }
  keep_only(M, NULL, 0);
  /* What the inlinable bodies do not use goes, but for the API, which the
   * pass declares in the module it fuses. */
  drop_unused_declarations(M, 1);
  trim_for_reading(M);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: precompile_runtime RUNTIME.bc INLINABLE.bc PIECES.c\n");
    return 2;
  }
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  LLVMModuleRef M = read_runtime(argv[1]);
  LLVMContextRef C = LLVMGetModuleContext(M);
  char *err = NULL;

  name_definitions(M);
  find_pieces(M);
  LLVMTargetMachineRef TM = machine_for(M);
  for (unsigned i = 0; i < npieces; i++)
    compile_piece(M, TM, i);
  LLVMDisposeTargetMachine(TM);
  write_pieces(argv[3], LLVMGetTarget(M), LLVMGetDataLayoutStr(M));

  make_inlinable_part(M);
  if (LLVMVerifyModule(M, LLVMReturnStatusAction, &err))
    die("the inlinable part does not verify", err);
  if (LLVMWriteBitcodeToFile(M, argv[2]) != 0)
    die("cannot write", argv[2]);
  LLVMDisposeModule(M);
  LLVMContextDispose(C);
  return 0;
}
