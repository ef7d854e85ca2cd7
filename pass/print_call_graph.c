/*
 * faasfuse-callgraph: prints, as JSON, which Nightcore functions each
 * function of the module may invoke, site by site. It changes nothing.
 *
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse-callgraph<Foo>' -disable-output foo.bc
 *
 * The functions of a module are its own (faas_func_call and the rest,
 * named by the pass parameter, or null) and every merged function it holds
 * (!faasfuse.callees: prepared by faasfuse-callee and linked in). A site
 * belongs to each function whose code reaches it: from its four ABI
 * functions, through every function and global they refer to (direct
 * calls, but also function pointers and vtables, so a site in a virtual
 * method of a transport counts). Sites are found as the faasfuse pass finds
 * them (find_call_sites.c): a literal name, a choice among literal names,
 * or a name known only at run time, which may reach any function
 * ("calls_any": true).
 *
 *   {"module": "foo.c",
 *    "functions": [{"name": "Foo", "merged": false,
 *                   "calls": ["Bar"], "calls_any": false,
 *                   "sites": [{"in": "faas_func_call", "at": "foo.c:31:7",
 *                              "kind": "literal", "names": ["Bar"]}]}],
 *    "unreached_sites": []}
 *
 * "at" is null without debug info; a run-time site has "why" instead of
 * "names". Sites that no function's code reaches (dead helpers) are listed
 * in unreached_sites.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "faasfuse_internal.h"

/* ---- a growing JSON text ---------------------------------------------------- */

struct text {
  char *s;
  size_t len, cap;
};

static void put(struct text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n + 1)
      cap *= 2;
    t->s = ff_xreallocarray(t->s, cap, 1);
    t->cap = cap;
  }
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = '\0';
}

static void puts_(struct text *t, const char *s) { put(t, s, strlen(s)); }

static void printf_(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void printf_(struct text *t, const char *fmt, ...) {
  char buf[64];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  put(t, buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A JSON string: any bytes (a name may hold anything the code put there). */
static void put_string(struct text *t, const char *s, size_t n) {
  puts_(t, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      put(t, esc, 2);
    } else if (c < 0x20 || c >= 0x7f) {
      printf_(t, "\\u%04x", c);
    } else {
      put(t, (const char *)&c, 1);
    }
  }
  puts_(t, "\"");
}

/* ---- which IR functions a Nightcore function's code reaches -------------- */

struct seen {
  RB_ENTRY(seen) link;
  LLVMValueRef v;
};
static int seen_cmp(struct seen *a, struct seen *b) {
  return a->v < b->v ? -1 : a->v > b->v;
}
RB_HEAD(cg_seen_set, seen);
RB_GENERATE(cg_seen_set, seen, link, seen_cmp)

static bool first_visit(struct cg_seen_set *set, LLVMValueRef v) {
  struct seen *s = ff_xmalloc(sizeof *s);
  s->v = v;
  if (RB_INSERT(cg_seen_set, set, s) != NULL) {
    free(s);
    return false;
  }
  return true;
}

static void free_seen(struct cg_seen_set *set) {
  struct seen *s, *next;
  RB_FOREACH_SAFE(s, cg_seen_set, set, next) {
    RB_REMOVE(cg_seen_set, set, s);
    free(s);
  }
}

/* Everything V refers to, transitively: function bodies, global
 * initializers, aliasees, constant expressions. An explicit stack: a deep
 * call chain must not overflow the host's. */
static void reach(struct cg_seen_set *set, LLVMValueRef root) {
  size_t n = 0, cap = 64;
  LLVMValueRef *stack = ff_xreallocarray(NULL, cap, sizeof *stack);
  stack[n++] = root;
  while (n > 0) {
    LLVMValueRef V = stack[--n];
    if (V == NULL || LLVMIsABasicBlock(V) || LLVMGetValueKind(V) == LLVMMetadataAsValueValueKind ||
        !first_visit(set, V))
      continue;
    LLVMValueRef next[2];
    size_t nnext = 0;
    if (LLVMIsAFunction(V)) {
      for (LLVMBasicBlockRef BB = LLVMGetFirstBasicBlock(V); BB; BB = LLVMGetNextBasicBlock(BB))
        for (LLVMValueRef I = LLVMGetFirstInstruction(BB); I; I = LLVMGetNextInstruction(I)) {
          int k = LLVMGetNumOperands(I);
          for (int i = 0; i < k; i++) {
            LLVMValueRef op = LLVMGetOperand(I, (unsigned)i);
            if (op != NULL && LLVMIsAConstant(op)) {
              if (n == cap)
                stack = ff_xreallocarray(stack, cap *= 2, sizeof *stack);
              stack[n++] = op;
            }
          }
        }
      continue;
    }
    if (LLVMIsAGlobalVariable(V)) {
      next[nnext++] = LLVMGetInitializer(V);
    } else if (LLVMIsAGlobalAlias(V)) {
      next[nnext++] = LLVMAliasGetAliasee(V);
    } else if (LLVMIsAGlobalIFunc(V)) {
      next[nnext++] = LLVMGetGlobalIFuncResolver(V);
    } else if (LLVMIsAConstant(V) && !LLVMIsAGlobalValue(V)) {
      int k = LLVMGetNumOperands(V);
      for (int i = 0; i < k; i++) {
        if (n == cap)
          stack = ff_xreallocarray(stack, cap *= 2, sizeof *stack);
        stack[n++] = LLVMGetOperand(V, (unsigned)i);
      }
    }
    for (size_t i = 0; i < nnext; i++) {
      if (n == cap)
        stack = ff_xreallocarray(stack, cap *= 2, sizeof *stack);
      stack[n++] = next[i];
    }
  }
  free(stack);
}

/* ---- printing ------------------------------------------------------------ */

static void put_location(struct text *t, LLVMValueRef I) {
  LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(I);
  if (loc == NULL) {
    puts_(t, "null");
    return;
  }
  unsigned len = 0;
  const char *file = NULL;
  LLVMMetadataRef scope = LLVMDILocationGetScope(loc);
  LLVMMetadataRef f = scope != NULL ? LLVMDIScopeGetFile(scope) : NULL;
  if (f != NULL)
    file = LLVMDIFileGetFilename(f, &len);
  char pos[32];
  snprintf(pos, sizeof pos, ":%u:%u", LLVMDILocationGetLine(loc), LLVMDILocationGetColumn(loc));
  struct text at = {0};
  put(&at, file != NULL ? file : "", file != NULL ? len : 0);
  puts_(&at, pos);
  put_string(t, at.s, at.len);
  free(at.s);
}

static const char *kind_name(enum ff_name_kind k) {
  return k == FF_NAME_CONSTANT ? "literal" : k == FF_NAME_CHOICE ? "choice" : "runtime";
}

static void put_site(struct text *t, const struct ff_site *s) {
  size_t len;
  const char *fn = LLVMGetValueName2(LLVMGetBasicBlockParent(LLVMGetInstructionParent(s->inst)),
                                     &len);
  puts_(t, "{\"in\": ");
  put_string(t, fn, len);
  puts_(t, ", \"at\": ");
  put_location(t, s->inst);
  puts_(t, ", \"kind\": \"");
  puts_(t, kind_name(s->kind));
  if (s->kind == FF_NAME_DYNAMIC) {
    puts_(t, "\", \"why\": ");
    put_string(t, s->why_dynamic, strlen(s->why_dynamic));
  } else {
    puts_(t, "\", \"names\": [");
    for (size_t i = 0; i < s->nnames; i++) {
      if (i)
        puts_(t, ", ");
      put_string(t, s->names[i].name, s->names[i].len);
    }
    puts_(t, "]");
  }
  puts_(t, "}");
}

static int name_cmp(const void *a, const void *b) {
  const struct ff_name *x = *(const struct ff_name *const *)a;
  const struct ff_name *y = *(const struct ff_name *const *)b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->name, y->name, n);
  return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static bool in_set(struct cg_seen_set *set, LLVMValueRef v) {
  struct seen key = {.v = v};
  return RB_FIND(cg_seen_set, set, &key) != NULL;
}

/* One Nightcore function: the sites its code reaches, and the names they
 * pass, sorted and each once. */
static void put_function(struct text *t, const char *name, bool merged,
                         struct cg_seen_set *code, struct ff_site_list *sites,
                         struct cg_seen_set *reached) {
  size_t nnames = 0;
  bool any = false;
  struct ff_site *s;
  TAILQ_FOREACH(s, sites, link) {
    if (!in_set(code, LLVMGetBasicBlockParent(LLVMGetInstructionParent(s->inst))))
      continue;
    nnames += s->nnames;
    any |= s->kind == FF_NAME_DYNAMIC;
  }
  const struct ff_name **names = ff_xcalloc(nnames, sizeof *names);
  nnames = 0;
  TAILQ_FOREACH(s, sites, link)
    if (in_set(code, LLVMGetBasicBlockParent(LLVMGetInstructionParent(s->inst))))
      for (size_t i = 0; i < s->nnames; i++)
        names[nnames++] = &s->names[i];
  qsort(names, nnames, sizeof *names, name_cmp);

  puts_(t, "    {\"name\": ");
  if (name != NULL)
    put_string(t, name, strlen(name));
  else
    puts_(t, "null");
  puts_(t, merged ? ", \"merged\": true" : ", \"merged\": false");
  puts_(t, ",\n     \"calls\": [");
  for (size_t i = 0, out = 0; i < nnames; i++) {
    if (i > 0 && name_cmp(&names[i - 1], &names[i]) == 0)
      continue;
    if (out++)
      puts_(t, ", ");
    put_string(t, names[i]->name, names[i]->len);
  }
  puts_(t, any ? "], \"calls_any\": true,\n     \"sites\": [" : "], \"calls_any\": false,\n     \"sites\": [");
  size_t k = 0;
  TAILQ_FOREACH(s, sites, link) {
    LLVMValueRef F = LLVMGetBasicBlockParent(LLVMGetInstructionParent(s->inst));
    if (!in_set(code, F))
      continue;
    puts_(t, k++ ? ",\n       " : "\n       ");
    put_site(t, s);
    first_visit(reached, F); /* no-op when already there */
  }
  puts_(t, "]}");
  free(names);
}

char *faasfuse_print_call_graph(LLVMModuleRef M, const char *name) {
  struct ff_site_list sites = TAILQ_HEAD_INITIALIZER(sites);
  struct ff_callee_tree callees = RB_INITIALIZER(&callees);
  struct cg_seen_set reached = RB_INITIALIZER(&reached);
  struct text t = {0};
  char msg[512];
  size_t len;
  const char *src = LLVMGetSourceFileName(M, &len);
  size_t nfuncs = 0;

  ff_find_call_sites(M, &sites);
  puts_(&t, "{\"module\": ");
  put_string(&t, src, len);
  puts_(&t, ",\n \"functions\": [\n");

  /* The module's own function, if it exports the ABI. */
  LLVMValueRef abi[FF_NABI];
  if (ff_find_abi(M, abi, msg, sizeof msg) == 0 && abi[FF_CALL] != NULL) {
    struct cg_seen_set code = RB_INITIALIZER(&code);
    for (int i = 0; i < FF_NABI; i++)
      if (abi[i] != NULL)
        reach(&code, abi[i]);
    put_function(&t, name, false, &code, &sites, &reached);
    free_seen(&code);
    nfuncs++;
  }
  /* The merged functions linked in: their descriptors refer to their ABI
   * functions. A malformed registry lists none of them. */
  if (ff_read_callees(M, &callees, msg, sizeof msg) == 0) {
    struct ff_callee *c;
    RB_FOREACH(c, ff_callee_tree, &callees) {
      struct cg_seen_set code = RB_INITIALIZER(&code);
      reach(&code, c->desc);
      puts_(&t, nfuncs++ ? ",\n" : "");
      put_function(&t, c->name, true, &code, &sites, &reached);
      free_seen(&code);
    }
  }
  puts_(&t, "],\n \"unreached_sites\": [");
  size_t k = 0;
  struct ff_site *s;
  TAILQ_FOREACH(s, &sites, link) {
    if (in_set(&reached, LLVMGetBasicBlockParent(LLVMGetInstructionParent(s->inst))))
      continue;
    puts_(&t, k++ ? ",\n   " : "\n   ");
    put_site(&t, s);
  }
  puts_(&t, "]}\n");
  ff_free_callees(&callees);
  ff_free_sites(&sites);
  free_seen(&reached);
  return t.s;
}
