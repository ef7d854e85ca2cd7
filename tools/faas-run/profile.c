/*
 * faas-run --profile FILE: per edge (caller -> callee name) of the requests
 * run, the calls, the failed calls and the bytes moved, written as JSON.
 *
 * Each session (thread) counts in a tree of its own, without locks; the
 * trees are added up when every session has ended. Where calls are counted
 * (host.c, ipc.c): a request to ENTRY (caller: outside), every invoke in
 * process, and with --ipc every INVOKE a worker process sends, plus every
 * invoke a worker process fails on its own (a name no function has, which
 * Nightcore fails without a message): with --profile the worker process
 * tells the host of those (ipc.c, MSG_MISS), so both modes count the same.
 *
 * A call's input bytes count when the callee ran (was called, whether it
 * then failed or not); its output bytes when it succeeded. A call to a
 * name no function has, or to a function that could not start a worker,
 * moved nothing.
 *
 * The file is written as faas-merge writes its outputs: it must be a
 * regular file if it exists (a symbolic link to one is followed), never
 * one of faas-run's inputs (the manifest, a library, an input or requests
 * file), checked before anything runs; it is written under a temporary
 * name in its directory and renamed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>
#include <bsd/sys/tree.h>
#include <jansson.h>

#include "faas_run.h"

struct edge {
  RB_ENTRY(edge) link;
  const char *caller; /* a function's name, or NULL: from outside */
  char *callee;       /* the name invoked; NULL for a NULL name */
  size_t callee_len;
  uint64_t calls, failed, input_bytes, output_bytes;
};

static int edge_cmp(const struct edge *a, const struct edge *b) {
  if ((a->caller == NULL) != (b->caller == NULL))
    return a->caller == NULL ? -1 : 1;
  int c = a->caller != NULL ? strcmp(a->caller, b->caller) : 0;
  if (c != 0)
    return c;
  if ((a->callee == NULL) != (b->callee == NULL))
    return a->callee == NULL ? -1 : 1;
  if (a->callee == NULL)
    return 0;
  size_t n = a->callee_len < b->callee_len ? a->callee_len : b->callee_len;
  c = memcmp(a->callee, b->callee, n);
  if (c != 0)
    return c;
  return a->callee_len < b->callee_len ? -1 : a->callee_len > b->callee_len;
}

RB_HEAD(edge_tree, edge);
RB_GENERATE(edge_tree, edge, link, edge_cmp)

static struct edge *edge_get(struct edge_tree *t, const char *caller,
                             const char *callee, size_t len) {
  struct edge key = {.caller = caller, .callee = (char *)callee,
                     .callee_len = len};
  struct edge *e = RB_FIND(edge_tree, t, &key);
  if (e != NULL)
    return e;
  if ((e = calloc(1, sizeof *e)) == NULL)
    return NULL;
  e->caller = caller;
  e->callee_len = len;
  if (callee != NULL && (e->callee = malloc(len + 1)) == NULL) {
    free(e);
    return NULL;
  }
  if (callee != NULL) {
    memcpy(e->callee, callee, len);
    e->callee[len] = '\0';
  }
  RB_INSERT(edge_tree, t, e);
  return e;
}

void profile_count(struct session *s, const struct func *caller,
                   const char *callee, size_t callee_len, bool ran,
                   size_t input_len, bool ok, size_t output_len) {
  if (!opt.profile || s == NULL)
    return;
  if (s->edges == NULL && (s->edges = calloc(1, sizeof *s->edges)) != NULL)
    RB_INIT(s->edges);
  struct edge *e = s->edges == NULL
                       ? NULL
                       : edge_get(s->edges, caller ? caller->name : NULL,
                                  callee, callee_len);
  if (e == NULL) {
    s->profile_failed = true; /* out of memory: the file is not written */
    return;
  }
  e->calls++;
  e->failed += !ok;
  e->input_bytes += ran ? input_len : 0;
  e->output_bytes += ok ? output_len : 0;
}

void profile_free(struct session *s) {
  struct edge *e, *next;
  if (s->edges == NULL)
    return;
  for (e = RB_MIN(edge_tree, s->edges); e != NULL; e = next) {
    next = RB_NEXT(edge_tree, s->edges, e);
    RB_REMOVE(edge_tree, s->edges, e);
    free(e->callee);
    free(e);
  }
  free(s->edges);
  s->edges = NULL;
}

/* ------------------------------------------------------------------------ */
/* The file                                                                  */

static const char *kind_of(mode_t m) {
  return S_ISBLK(m)    ? "a block device"
         : S_ISCHR(m)  ? "a character device"
         : S_ISFIFO(m) ? "a FIFO"
         : S_ISSOCK(m) ? "a socket"
         : S_ISDIR(m)  ? "a directory"
                       : "not a regular file";
}

/* The file --profile writes: opt.profile, or the regular file its symbolic
 * link names. */
static char profile_target[PATH_MAX];

static int same_file(const struct stat *st, const char *path) {
  struct stat o;
  return path != NULL && stat(path, &o) == 0 && o.st_dev == st->st_dev &&
         o.st_ino == st->st_ino;
}

int profile_check_path(const char *input_file, const char *requests_file) {
  const char *p = opt.profile;
  struct stat st;

  strlcpy(profile_target, p, sizeof profile_target);
  if (p[0] == '\0')
    return complain("--profile needs a file name");
  if (lstat(p, &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      if (stat(p, &st) != 0)
        return complain("--profile %s: a symbolic link to nothing; faas-run "
                        "follows a link only to a regular file",
                        p);
      if (!S_ISREG(st.st_mode))
        return complain("--profile %s: a symbolic link to %s, not a regular "
                        "file; faas-run writes only regular files",
                        p, kind_of(st.st_mode));
      if (realpath(p, profile_target) == NULL)
        return complain("--profile %s: %s", p, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
      return complain("--profile %s: is %s, not a regular file; faas-run "
                      "writes only regular files",
                      p, kind_of(st.st_mode));
    }
    const char *what = NULL;
    if (opt.app_path != NULL && same_file(&st, opt.app_path))
      what = "the manifest";
    else if (same_file(&st, opt.func_config))
      what = "the deployment's func_config.json";
    else if (same_file(&st, input_file))
      what = "the input file";
    else if (same_file(&st, requests_file))
      what = "the requests file";
    for (size_t i = 0; what == NULL && i < nfuncs; i++)
      if (same_file(&st, funcs[i].path))
        what = "a function's library";
    if (what != NULL)
      return complain("--profile %s: is %s; faas-run never writes over its "
                      "inputs",
                      p, what);
  } else if (errno != ENOENT) {
    return complain("--profile %s: %s", p, strerror(errno));
  }
  /* Its directory must be there to write in. */
  char dir[PATH_MAX];
  strlcpy(dir, profile_target, sizeof dir);
  char *slash = strrchr(dir, '/');
  if (slash == NULL)
    strlcpy(dir, ".", sizeof dir);
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return complain("--profile %s: no such directory '%s'", p, dir);
  return 0;
}

/* A name as a JSON string: its bytes, each byte above 0x7f as the
 * character of that number (U+0080..U+00FF), so that any name is valid
 * UTF-8 and two names stay two strings. */
static json_t *name_json(const char *s, size_t len) {
  if (s == NULL)
    return json_null();
  char *u = malloc(2 * len + 1);
  size_t n = 0;
  if (u == NULL)
    return NULL;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      u[n++] = (char)c;
    } else {
      u[n++] = (char)(0xc0 | (c >> 6));
      u[n++] = (char)(0x80 | (c & 0x3f));
    }
  }
  json_t *j = json_stringn(u, n);
  free(u);
  return j;
}

/* Adds up the sessions' trees into the first, and writes it. */
int profile_write(struct session *ss, long nsessions, uint64_t requests) {
  struct edge_tree all = RB_INITIALIZER(&all);
  bool failed = false;
  struct edge *e, *t;

  for (long i = 0; i < nsessions; i++) {
    failed |= ss[i].profile_failed;
    if (ss[i].edges == NULL)
      continue;
    RB_FOREACH(e, edge_tree, ss[i].edges) {
      if ((t = edge_get(&all, e->caller, e->callee, e->callee_len)) == NULL) {
        failed = true;
        break;
      }
      t->calls += e->calls;
      t->failed += e->failed;
      t->input_bytes += e->input_bytes;
      t->output_bytes += e->output_bytes;
    }
  }

  json_t *root = json_object(), *edges = json_array();
  int rc = root == NULL || edges == NULL ||
           json_object_set_new(root, "entry", json_string(opt.entry->name)) ||
           json_object_set_new(root, "requests",
                               json_integer((json_int_t)requests)) ||
           json_object_set(root, "edges", edges);
  RB_FOREACH(e, edge_tree, &all) {
    json_t *o = json_object();
    rc |= o == NULL ||
          json_object_set_new(o, "caller",
                              name_json(e->caller, e->caller
                                                       ? strlen(e->caller)
                                                       : 0)) ||
          json_object_set_new(o, "callee", name_json(e->callee, e->callee_len)) ||
          json_object_set_new(o, "calls", json_integer((json_int_t)e->calls)) ||
          json_object_set_new(o, "failed", json_integer((json_int_t)e->failed)) ||
          json_object_set_new(o, "input_bytes",
                              json_integer((json_int_t)e->input_bytes)) ||
          json_object_set_new(o, "output_bytes",
                              json_integer((json_int_t)e->output_bytes)) ||
          json_array_append_new(edges, o);
  }
  char *text = rc == 0 && !failed
                   ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII |
                                          JSON_PRESERVE_ORDER)
                   : NULL;
  json_decref(edges);
  json_decref(root);
  for (e = RB_MIN(edge_tree, &all); e != NULL; e = t) {
    t = RB_NEXT(edge_tree, &all, e);
    RB_REMOVE(edge_tree, &all, e);
    free(e->callee);
    free(e);
  }
  if (text == NULL)
    return complain("--profile %s: out of memory", opt.profile);

  /* A temporary file beside the target, then a rename over it. */
  char tmp[PATH_MAX];
  const char *slash = strrchr(profile_target, '/');
  int len = slash == NULL ? 0 : (int)(slash - profile_target) + 1;
  snprintf(tmp, sizeof tmp, "%.*s.faas-run.XXXXXX", len, profile_target);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(text);
    return complain("--profile %s: cannot create a file in its directory: %s",
                    opt.profile, strerror(errno));
  }
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  size_t n = strlen(text), done = 0;
  text[n++] = '\n'; /* json_dumps leaves room: its NUL */
  while (done < n) {
    ssize_t w = write(fd, text + done, n - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    done += (size_t)w;
  }
  int saved = errno;
  free(text);
  if (close(fd) != 0 && done == n)
    saved = errno, done = 0;
  if (done != n || rename(tmp, profile_target) != 0) {
    if (done == n)
      saved = errno;
    unlink(tmp);
    return complain("--profile %s: cannot write it: %s", opt.profile,
                    strerror(saved));
  }
  return 0;
}
