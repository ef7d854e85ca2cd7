/*
 * The planner's graph (plan_inputs.h): from an app's build and profiles, or
 * from a graph file. An edge is a caller and a function of the app it may
 * call: a literal or candidate name its code shows (faasfuse-callgraph), a
 * name its manifest's `calls` hint lists (for its run-time names), or a
 * call a profile counted. Names that are no function of the app are calls
 * that fail in every deployment: no edge, only a note.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <jansson.h>

#include "faasfuse/function_name.h"
#include "plan_inputs.h"

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* A JSON file (a key twice is an error), or NULL with err set. */
static json_t *load_json(const char *path, char *err, size_t errlen) {
  json_error_t je;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (j == NULL) {
    if (access(path, R_OK) != 0)
      fail(err, errlen, "%s: %s", path, strerror(errno));
    else
      fail(err, errlen, "%s:%d:%d: invalid JSON: %s", path, je.line,
           je.column, je.text);
  }
  return j;
}

/* The bytes of code of an ELF shared object: its executable sections. */
static int code_size(const char *path, unsigned long *size, char *err,
                     size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  Elf64_Ehdr eh;
  *size = 0;
  if (fd < 0)
    return fail(err, errlen, "%s: %s", path, strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_shentsize != sizeof(Elf64_Shdr) ||
      eh.e_shoff > (unsigned long)st.st_size ||
      (unsigned long)eh.e_shnum * sizeof(Elf64_Shdr) >
          (unsigned long)st.st_size - eh.e_shoff) {
    close(fd);
    return fail(err, errlen, "%s: not a 64-bit ELF shared object", path);
  }
  for (unsigned i = 0; i < eh.e_shnum; i++) {
    Elf64_Shdr sh;
    if (pread(fd, &sh, sizeof sh, (off_t)(eh.e_shoff + i * sizeof sh)) !=
        (ssize_t)sizeof sh) {
      close(fd);
      return fail(err, errlen, "%s: cannot read its section headers", path);
    }
    if ((sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) ==
        (SHF_ALLOC | SHF_EXECINSTR))
      *size += sh.sh_size;
  }
  close(fd);
  return 0;
}

/* ---- edges ------------------------------------------------------------------ */

/* Edges as they are found (weight 0), a pair maybe more than once. */
struct pairs {
  struct plan_edge *v;
  size_t n, cap;
};

static int add_pair(struct pairs *p, size_t from, size_t to) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 64;
    struct plan_edge *v = reallocarray(p->v, cap, sizeof *v);
    if (v == NULL)
      return -1;
    p->v = v, p->cap = cap;
  }
  p->v[p->n++] = (struct plan_edge){from, to, 0};
  return 0;
}

static int edge_cmp(const void *a, const void *b) {
  const struct plan_edge *x = a, *y = b;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  return x->to < y->to ? -1 : x->to > y->to;
}

/* The graph's edges: the pairs, sorted, each once. */
static int edges_from_pairs(struct plan_graph *g, struct pairs *p) {
  if (p->n > 0)
    qsort(p->v, p->n, sizeof *p->v, edge_cmp);
  g->edges = reallocarray(NULL, p->n + 1, sizeof *g->edges);
  if (g->edges == NULL)
    return -1;
  g->nedges = 0;
  for (size_t i = 0; i < p->n; i++)
    if (i == 0 || edge_cmp(&p->v[i], &p->v[i - 1]) != 0)
      g->edges[g->nedges++] = p->v[i];
  return 0;
}

static struct plan_edge *find_edge(const struct plan_graph *g, size_t from,
                                   size_t to) {
  struct plan_edge key = {from, to, 0};
  return bsearch(&key, g->edges, g->nedges, sizeof key, edge_cmp);
}

/* The functions by name (in->by_name, sorted), for lookups in log time:
 * a graph file may name thousands. */
static int by_name_cmp(const void *a, const void *b, void *graph) {
  const struct plan_graph *g = graph;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp(g->funcs[x].name, g->funcs[y].name);
  return c != 0 ? c : x < y ? -1 : x > y;
}

static int index_names(struct plan_input *in) {
  in->by_name = reallocarray(NULL, in->g.nfuncs + 1, sizeof *in->by_name);
  if (in->by_name == NULL)
    return -1;
  for (size_t f = 0; f < in->g.nfuncs; f++)
    in->by_name[f] = f;
  qsort_r(in->by_name, in->g.nfuncs, sizeof *in->by_name, by_name_cmp,
          &in->g);
  return 0;
}

/* bsearch's key: a name, and the graph whose functions by_name indexes. */
struct name_key {
  const struct plan_graph *g;
  const char *name;
};

static int name_key_cmp(const void *key, const void *elem) {
  const struct name_key *k = key;
  return strcmp(k->name, k->g->funcs[*(const size_t *)elem].name);
}

static long index_of(const struct plan_input *in, const char *name) {
  struct name_key key = {&in->g, name};
  const size_t *f = bsearch(&key, in->by_name, in->g.nfuncs,
                            sizeof *in->by_name, name_key_cmp);
  return f != NULL ? (long)*f : -1;
}

static int mark_never(struct plan_input *in, const char *const *never,
                      size_t nnever, const char *where, char *err,
                      size_t errlen) {
  for (size_t k = 0; k < nnever; k++) {
    long f = index_of(in, never[k]);
    if (f < 0)
      return fail(err, errlen, "--never %s: not a function of %s", never[k],
                  where);
    in->g.funcs[f].never = true;
  }
  return 0;
}

static int alloc_funcs(struct plan_input *in, size_t n) {
  in->g.nfuncs = n;
  in->g.funcs = calloc(n + 1, sizeof *in->g.funcs);
  in->func_ids = calloc(n + 1, sizeof *in->func_ids);
  in->hinted = calloc(n + 1, sizeof *in->hinted);
  in->unknown_calls = calloc(n + 1, sizeof *in->unknown_calls);
  return in->g.funcs && in->func_ids && in->hinted && in->unknown_calls ? 0
                                                                          : -1;
}

/* ---- from an app ------------------------------------------------------------ */

/* Appends name to the function's note of names the app does not have. */
static int note_unknown(struct plan_input *in, size_t f, const char *name) {
  char *old = in->unknown_calls[f], *s;
  size_t n = strlen(name);
  for (const char *p = old; p != NULL && *p != '\0';) {
    size_t len = strcspn(p, ",");
    if (len == n && memcmp(p, name, n) == 0)
      return 0;
    p += len;
    p += strspn(p, ", ");
  }
  if (asprintf(&s, "%s%s%s", old ? old : "", old ? ", " : "", name) < 0)
    return -1;
  free(old);
  in->unknown_calls[f] = s;
  return 0;
}

/* A function's call graph: {"functions": [{"name", "merged", "calls",
 * "calls_any", ...}]}; the entry is the one not merged, named as f. */
static int read_callgraph(struct plan_input *in, const struct app *app,
                          size_t f, const char *lib_dir, struct pairs *pairs,
                          char *err, size_t errlen) {
  const char *name = app->funcs[f].name;
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.callgraph.json", lib_dir, name);
  if (access(path, F_OK) != 0)
    return fail(err, errlen,
                "%s: no call graph for %s (faas-app build -o %s %s writes it)",
                path, name, lib_dir, app->path);
  json_t *root = load_json(path, err, errlen), *fs, *fn = NULL, *v;
  size_t i;
  if (root == NULL)
    return -1;
  fs = json_object_get(root, "functions");
  json_array_foreach(fs, i, v) {
    json_t *nm = json_object_get(v, "name");
    if (json_is_string(nm) && strcmp(json_string_value(nm), name) == 0 &&
        json_is_false(json_object_get(v, "merged")))
      fn = v;
  }
  json_t *calls = json_object_get(fn, "calls");
  json_t *any = json_object_get(fn, "calls_any");
  if (fn == NULL || !json_is_array(calls) || !json_is_boolean(any)) {
    json_decref(root);
    return fail(err, errlen,
                "%s: not a faasfuse-callgraph of %s (no function \"%s\" with "
                "\"calls\" and \"calls_any\")",
                path, name, name);
  }
  int rc = 0;
  json_array_foreach(calls, i, v) {
    if (!json_is_string(v)) {
      rc = fail(err, errlen, "%s: functions: calls[%zu]: not a string", path,
                i);
      break;
    }
    long t = index_of(in, json_string_value(v));
    if ((t >= 0 ? add_pair(pairs, f, (size_t)t)
                : note_unknown(in, f, json_string_value(v))) != 0) {
      rc = fail(err, errlen, "out of memory");
      break;
    }
  }
  if (rc == 0 && json_is_true(any)) {
    const struct app_strings *hint = &app->funcs[f].calls;
    if (hint->n == 0) {
      in->g.funcs[f].calls_anything = true;
    } else {
      in->hinted[f] = true;
      for (size_t k = 0; k < hint->n && rc == 0; k++)
        if (add_pair(pairs, f, (size_t)index_of(in, hint->v[k])) != 0)
          rc = fail(err, errlen, "out of memory");
    }
  }
  json_decref(root);
  return rc;
}

static bool is_count(const json_t *v) {
  return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* A profile's edges, checked: (caller, callee) of the app as pairs when
 * pairs != NULL, else their counts added to prof->per_edge. */
static int read_profile(struct plan_input *in, json_t *root, const char *path,
                        struct plan_profile *prof, struct pairs *pairs,
                        enum plan_weigh weigh, char *err, size_t errlen) {
  json_t *entry = json_object_get(root, "entry");
  json_t *requests = json_object_get(root, "requests");
  json_t *edges = json_object_get(root, "edges"), *e;
  size_t i;
  if (!json_is_object(root) || !json_is_string(entry) ||
      !is_count(requests) || !json_is_array(edges))
    return fail(err, errlen,
                "%s: not a profile of faas-run --profile (an object with "
                "\"entry\", \"requests\" and \"edges\")",
                path);
  long ef = index_of(in, json_string_value(entry));
  if (ef < 0)
    return fail(err, errlen, "%s: entry: '%s' is not a function of this app",
                path, json_string_value(entry));
  prof->path = path;
  prof->entry = (size_t)ef;
  prof->requests = (double)json_integer_value(requests);
  json_array_foreach(edges, i, e) {
    json_t *caller = json_object_get(e, "caller");
    json_t *callee = json_object_get(e, "callee");
    json_t *calls = json_object_get(e, "calls");
    json_t *ib = json_object_get(e, "input_bytes");
    json_t *ob = json_object_get(e, "output_bytes");
    if (!json_is_object(e) || !(json_is_string(caller) || json_is_null(caller)) ||
        !(json_is_string(callee) || json_is_null(callee)) ||
        !is_count(calls) || !is_count(ib) || !is_count(ob))
      return fail(err, errlen,
                  "%s: edges[%zu]: expected caller, callee, calls, "
                  "input_bytes and output_bytes as faas-run --profile writes "
                  "them",
                  path, i);
    if (json_is_null(caller))
      continue; /* a request from outside */
    long from = index_of(in, json_string_value(caller));
    if (from < 0)
      return fail(err, errlen,
                  "%s: edges[%zu].caller: '%s' is not a function of this app",
                  path, i, json_string_value(caller));
    long to = json_is_null(callee) ? -1
                                   : index_of(in, json_string_value(callee));
    if (to < 0) {
      if (pairs != NULL && json_is_string(callee) &&
          note_unknown(in, (size_t)from, json_string_value(callee)) != 0)
        return fail(err, errlen, "out of memory");
      continue; /* fails in every deployment */
    }
    if (pairs != NULL) {
      if (add_pair(pairs, (size_t)from, (size_t)to) != 0)
        return fail(err, errlen, "out of memory");
      continue;
    }
    struct plan_edge *pe = find_edge(&in->g, (size_t)from, (size_t)to);
    double w = weigh == WEIGH_CALLS
                   ? (double)json_integer_value(calls)
                   : (double)json_integer_value(ib) +
                         (double)json_integer_value(ob);
    prof->per_edge[pe - in->g.edges] += w;
  }
  return 0;
}

int plan_input_from_app(struct plan_input *in, const struct app *app,
                        const char *lib_dir, const char *const *profiles,
                        size_t nprofiles, enum plan_weigh weigh,
                        const char *const *never, size_t nnever, char *err,
                        size_t errlen) {
  struct pairs pairs = {0};
  json_t **roots = calloc(nprofiles + 1, sizeof *roots);
  int rc = -1;

  memset(in, 0, sizeof *in);
  if (roots == NULL || alloc_funcs(in, app->nfuncs) != 0) {
    fail(err, errlen, "out of memory");
    goto out;
  }
  for (size_t f = 0; f < app->nfuncs; f++) {
    in->g.funcs[f].name = app->funcs[f].name;
    in->g.funcs[f].is_public = app->funcs[f].is_public;
    in->func_ids[f] = app->funcs[f].func_id;
  }
  if (index_names(in) != 0) {
    fail(err, errlen, "out of memory");
    goto out;
  }
  if (mark_never(in, never, nnever, app->path, err, errlen) != 0)
    goto out;
  for (size_t f = 0; f < app->nfuncs; f++) {
    char so[4096];
    snprintf(so, sizeof so, "%s/%s.so", lib_dir, app->funcs[f].name);
    if (access(so, F_OK) != 0) {
      fail(err, errlen,
           "%s: no library for %s (faas-app build -o %s %s builds every "
           "function of the app)",
           so, app->funcs[f].name, lib_dir, app->path);
      goto out;
    }
    if (code_size(so, &in->g.funcs[f].size, err, errlen) != 0 ||
        read_callgraph(in, app, f, lib_dir, &pairs, err, errlen) != 0)
      goto out;
  }
  in->profiles = calloc(nprofiles + 1, sizeof *in->profiles);
  if (in->profiles == NULL) {
    fail(err, errlen, "out of memory");
    goto out;
  }
  for (size_t k = 0; k < nprofiles; k++) {
    if ((roots[k] = load_json(profiles[k], err, errlen)) == NULL ||
        read_profile(in, roots[k], profiles[k], &in->profiles[k], &pairs,
                     weigh, err, errlen) != 0)
      goto out;
    for (size_t j = 0; j < k; j++)
      if (in->profiles[j].entry == in->profiles[k].entry) {
        fail(err, errlen, "%s and %s: two profiles of %s; give one per entry",
             profiles[j], profiles[k],
             in->g.funcs[in->profiles[k].entry].name);
        goto out;
      }
  }
  if (edges_from_pairs(&in->g, &pairs) != 0) {
    fail(err, errlen, "out of memory");
    goto out;
  }
  in->nprofiles = nprofiles;
  for (size_t k = 0; k < nprofiles; k++) {
    in->profiles[k].per_edge = calloc(in->g.nedges + 1, sizeof(double));
    if (in->profiles[k].per_edge == NULL) {
      fail(err, errlen, "out of memory");
      goto out;
    }
    if (read_profile(in, roots[k], profiles[k], &in->profiles[k], NULL, weigh,
                     err, errlen) != 0)
      goto out;
    for (size_t e = 0; e < in->g.nedges; e++)
      in->g.edges[e].weight += in->profiles[k].per_edge[e];
  }
  if (nprofiles == 0)
    for (size_t e = 0; e < in->g.nedges; e++)
      in->g.edges[e].weight = 1;
  in->weights = nprofiles == 0 ? "static"
                : weigh == WEIGH_CALLS ? "calls"
                                       : "bytes";
  rc = 0;
out:
  for (size_t k = 0; roots != NULL && k < nprofiles; k++)
    json_decref(roots[k]);
  free(roots);
  free(pairs.v);
  return rc;
}

/* ---- from a graph file ----------------------------------------------------- */

#define GRAPH_FUNCTIONS_MAX 50000

static const char *const graph_function_fields[] = {"name", "size", "public",
                                                    "calls_anything"};
static const char *const graph_edge_fields[] = {"caller", "callee", "weight"};

static const char *unknown_key(json_t *o, const char *const *keys, size_t n) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    size_t i = 0;
    while (i < n && strcmp(keys[i], k) != 0)
      i++;
    if (i == n)
      return k;
  }
  return NULL;
}

int plan_input_from_graph(struct plan_input *in, const char *path,
                          const char *const *never, size_t nnever, char *err,
                          size_t errlen) {
  struct pairs pairs = {0};
  json_t *root, *fs, *es, *v;
  size_t i;
  const char *bad;

  memset(in, 0, sizeof *in);
  if ((root = load_json(path, err, errlen)) == NULL)
    return -1;
  in->owned = root;
  fs = json_object_get(root, "functions");
  es = json_object_get(root, "edges");
  if (!json_is_object(root) || (bad = unknown_key(root, (const char *[]){
                                    "functions", "edges"}, 2)) != NULL)
    return fail(err, errlen, json_is_object(root)
                                 ? "%s: %s: not a field of a graph file"
                                 : "%s: expected an object",
                path, json_is_object(root) ? bad : "");
  if (!json_is_array(fs) || json_array_size(fs) == 0)
    return fail(err, errlen, "%s: functions: expected a non-empty array",
                path);
  /* the planner's cycle search recurses as deep as a chain of calls */
  if (json_array_size(fs) > GRAPH_FUNCTIONS_MAX)
    return fail(err, errlen, "%s: functions: more than %d", path,
                GRAPH_FUNCTIONS_MAX);
  if (es != NULL && !json_is_array(es))
    return fail(err, errlen, "%s: edges: expected an array", path);
  if (alloc_funcs(in, json_array_size(fs)) != 0)
    return fail(err, errlen, "out of memory");
  json_array_foreach(fs, i, v) {
    json_t *name = json_object_get(v, "name"), *size = json_object_get(v, "size");
    json_t *pub = json_object_get(v, "public");
    json_t *any = json_object_get(v, "calls_anything");
    if (!json_is_object(v))
      return fail(err, errlen, "%s: functions[%zu]: expected an object", path,
                  i);
    if ((bad = unknown_key(v, graph_function_fields, 4)) != NULL)
      return fail(err, errlen, "%s: functions[%zu].%s: not a field of a "
                               "function",
                  path, i, bad);
    if (!json_is_string(name) ||
        faasfuse_judge_name(json_string_value(name),
                            json_string_length(name)) != FAASFUSE_NAME_OK)
      return fail(err, errlen,
                  "%s: functions[%zu].name: expected a function name "
                  "(" FAASFUSE_NAME_CLASS "+)",
                  path, i);
    if (!is_count(size))
      return fail(err, errlen,
                  "%s: functions[%zu].size: expected an integer from 0 "
                  "(bytes of code)",
                  path, i);
    if ((pub != NULL && !json_is_boolean(pub)) ||
        (any != NULL && !json_is_boolean(any)))
      return fail(err, errlen, "%s: functions[%zu].%s: expected true or false",
                  path, i,
                  pub != NULL && !json_is_boolean(pub) ? "public"
                                                       : "calls_anything");
    struct plan_function *f = &in->g.funcs[i];
    f->name = json_string_value(name);
    f->size = (unsigned long)json_integer_value(size);
    f->is_public = json_is_true(pub);
    f->calls_anything = json_is_true(any);
  }
  if (index_names(in) != 0)
    return fail(err, errlen, "out of memory");
  /* a name twice: the second of the first such pair, in the file's order */
  size_t twice = in->g.nfuncs;
  for (size_t k = 1; k < in->g.nfuncs; k++)
    if (strcmp(in->g.funcs[in->by_name[k]].name,
               in->g.funcs[in->by_name[k - 1]].name) == 0 &&
        in->by_name[k] < twice)
      twice = in->by_name[k];
  if (twice < in->g.nfuncs)
    return fail(err, errlen, "%s: functions[%zu].name: '%s' twice", path,
                twice, in->g.funcs[twice].name);
  size_t nf = in->g.nfuncs;
  bool any_public = false;
  for (size_t f = 0; f < nf; f++)
    any_public |= in->g.funcs[f].is_public;
  if (!any_public)
    return fail(err, errlen, "%s: functions: none is public", path);
  json_array_foreach(es, i, v) {
    json_t *caller = json_object_get(v, "caller");
    json_t *callee = json_object_get(v, "callee");
    json_t *w = json_object_get(v, "weight");
    if (!json_is_object(v))
      return fail(err, errlen, "%s: edges[%zu]: expected an object", path, i);
    if ((bad = unknown_key(v, graph_edge_fields, 3)) != NULL)
      return fail(err, errlen, "%s: edges[%zu].%s: not a field of an edge",
                  path, i, bad);
    const char *which = !json_is_string(caller) ? "caller" : "callee";
    if (!json_is_string(caller) || !json_is_string(callee) ||
        index_of(in, json_string_value(caller)) < 0 ||
        index_of(in, json_string_value(callee)) < 0)
      return fail(err, errlen, "%s: edges[%zu].%s: expected a function of "
                               "the graph",
                  path, i,
                  json_is_string(caller) &&
                          index_of(in, json_string_value(caller)) >= 0
                      ? "callee"
                      : which);
    if (w != NULL && !(json_is_number(w) && json_number_value(w) >= 0))
      return fail(err, errlen,
                  "%s: edges[%zu].weight: expected a number from 0", path, i);
    if (add_pair(&pairs, (size_t)index_of(in, json_string_value(caller)),
                 (size_t)index_of(in, json_string_value(callee))) != 0)
      return fail(err, errlen, "out of memory");
  }
  size_t nraw = pairs.n;
  if (edges_from_pairs(&in->g, &pairs) != 0) {
    free(pairs.v);
    return fail(err, errlen, "out of memory");
  }
  free(pairs.v);
  if (in->g.nedges != nraw)
    return fail(err, errlen, "%s: edges: a caller and callee given twice",
                path);
  json_array_foreach(es, i, v) {
    json_t *w = json_object_get(v, "weight");
    struct plan_edge *e = find_edge(
        &in->g,
        (size_t)index_of(in, json_string_value(json_object_get(v, "caller"))),
        (size_t)index_of(in, json_string_value(json_object_get(v, "callee"))));
    e->weight = w != NULL ? json_number_value(w) : 1;
  }
  in->weights = "graph";
  return mark_never(in, never, nnever, path, err, errlen);
}

void plan_input_free(struct plan_input *in) {
  for (size_t f = 0; in->unknown_calls != NULL && f < in->g.nfuncs; f++)
    free(in->unknown_calls[f]);
  for (size_t k = 0; k < in->nprofiles; k++)
    free(in->profiles[k].per_edge);
  free(in->profiles);
  free(in->unknown_calls);
  free(in->hinted);
  free(in->func_ids);
  free(in->g.funcs);
  free(in->g.edges);
  free(in->by_name);
  json_decref(in->owned);
  memset(in, 0, sizeof *in);
}
