/*
 * faas-app deploy: plans (as faas-app plan), builds every library of the
 * plan with faas-merge, writes a directory Nightcore runs unchanged, and
 * checks it before it says done.
 *
 *   faas-app deploy [-o DIR] [--lib-dir DIR] --requests ENTRY=FILE...
 *                   [--llvm-version N] [-O0..-O3] [-v] [PLAN OPTIONS] APP.json
 *
 * The deployment, DIR (default deploy/ beside APP.json):
 *   NAME.so            one library per function that keeps its own workers
 *   func_config.json   Nightcore's: those functions, their ids and workers
 *   launch.sh          a Nightcore launcher per function (func_worker_v1)
 *   plan.json          the plan it was built from
 *   .faasfuse-deployment  says faas-app wrote DIR (so it may replace it)
 *
 * It is made in a new directory beside DIR, checked there, and only then
 * takes DIR's place: the check runs the recorded requests of each
 * --requests through the unmerged build (--lib-dir, faas-app build's) and
 * through the deployment, in one process and with --ipc, and demands the
 * same output bytes and exit status; it also counts, with faas-run
 * --profile, the RPCs a request makes before and after. DIR may be missing,
 * an empty directory or a deployment faas-app wrote; anything else is
 * refused, and so is a DIR holding one of the inputs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <jansson.h>

#include "deploy.h"
#include "plan_command.h"

#define MARKER ".faasfuse-deployment"

/* check_entry's: the deployment answered otherwise (not an error running
 * it). */
enum { EXIT_DIFFERS = 100 };

struct recorded {
  const char *entry;
  const char *file;
};

struct deploy {
  struct app app;
  struct plan_options po;
  struct plan_input pin;
  struct plan plan;
  const char *out, *llvm, *olevel;
  bool verbose;
  struct recorded *req;
  size_t nreq;
  char stage[PATH_MAX];  /* where the deployment is made */
  char check[PATH_MAX];  /* the check's scratch directory */
  char faas_merge[PATH_MAX], faas_run[PATH_MAX];
};

/* ---- directories ---------------------------------------------------------- */

/* Removes dir's files (not directories) and dir; 0, or -1 when something
 * stays. */
static int remove_flat_dir(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int rc = 0;
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (unlinkat(dirfd(d), e->d_name, 0) != 0)
      rc = -1;
  }
  closedir(d);
  return rmdir(dir) == 0 ? rc : -1;
}

/* DIR: missing, empty, or a deployment faas-app wrote (*exists) holding no
 * input. */
static int check_deploy_dir(const char *dir, const struct input *in,
                            size_t nin, bool *exists) {
  struct stat st;
  char marker[PATH_MAX], real[PATH_MAX];
  *exists = false;
  if (lstat(dir, &st) != 0) {
    if (errno != ENOENT)
      return complain(EXIT_ERROR, "%s: %s", dir, strerror(errno));
    return 0;
  }
  if (S_ISLNK(st.st_mode))
    return complain(EXIT_ERROR,
                    "%s: is a symbolic link; give the directory it names "
                    "(deploy replaces DIR itself)",
                    dir);
  if (!S_ISDIR(st.st_mode))
    return complain(EXIT_ERROR,
                    "%s: is not a directory; a deployment is a directory "
                    "faas-app makes",
                    dir);
  DIR *dd = opendir(dir);
  bool empty = dd != NULL;
  for (struct dirent *e; dd != NULL && (e = readdir(dd)) != NULL;)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      empty = false;
  if (dd != NULL)
    closedir(dd);
  if (empty)
    return 0; /* renaming the deployment onto it replaces it */
  snprintf(marker, sizeof marker, "%s/" MARKER, dir);
  if (lstat(marker, &st) != 0 || !S_ISREG(st.st_mode))
    return complain(EXIT_ERROR,
                    "%s: exists and is not a deployment faas-app wrote (no "
                    "%s in it); give a new directory",
                    dir, MARKER);
  if (realpath(dir, real) == NULL)
    return complain(EXIT_ERROR, "%s: %s", dir, strerror(errno));
  size_t n = strlen(real);
  for (size_t k = 0; k < nin; k++) {
    char rp[PATH_MAX];
    if (realpath(in[k].path, rp) != NULL && strncmp(rp, real, n) == 0 &&
        rp[n] == '/')
      return complain(EXIT_ERROR,
                      "%s: holds %s (%s); faas-app never replaces its inputs",
                      dir, in[k].what, in[k].path);
  }
  *exists = true;
  return 0;
}

/* ---- building ------------------------------------------------------------- */

/* "NAME=A B C" of a list of flags (no element holds white space). */
static char *joined(const char *name, const struct app_strings *v) {
  size_t len = strlen(name) + 2;
  for (size_t k = 0; k < v->n; k++)
    len += strlen(v->v[k]) + 1;
  char *s = malloc(len);
  if (s == NULL)
    return NULL;
  strlcpy(s, name, len);
  strlcat(s, "=", len);
  for (size_t k = 0; k < v->n; k++) {
    if (k > 0)
      strlcat(s, " ", len);
    strlcat(s, v->v[k], len);
  }
  return s;
}

static int build_library(struct deploy *d, const struct plan_library *l) {
  const struct app *app = &d->app;
  struct argv a = {0};
  char out[PATH_MAX * 2];
  int rc = 0;

  snprintf(out, sizeof out, "%s/%s.so", d->stage, app->funcs[l->entry].name);
  rc |= push(&a, d->faas_merge) | push(&a, "--llvm-version") |
        push(&a, d->llvm) | push(&a, d->olevel) | push(&a, "-o") |
        push(&a, out);
  if (d->verbose)
    rc |= push(&a, "-v");
  for (size_t k = 0; k < l->nmembers; k++) {
    const struct app_function *f = &app->funcs[l->members[k]];
    char *s = function_sources(f);
    rc |= s == NULL ? -1 : push(&a, k == 0 ? "--entry" : "--func") | push(&a, s);
    free(s);
    if (f->cflags.n > 0) {
      s = joined(f->name, &f->cflags);
      rc |= s == NULL ? -1 : push(&a, "--cflags-for") | push(&a, s);
      free(s);
    }
    if (f->link.n > 0) {
      s = joined(f->name, &f->link);
      rc |= s == NULL ? -1 : push(&a, "--link-for") | push(&a, s);
      free(s);
    }
  }
  rc |= push_each(&a, "--cflags", &app->cflags) |
        push_each(&a, "--ldflags", &app->link);
  if (rc != 0) {
    argv_free(&a);
    return complain(EXIT_ERROR, "out of memory");
  }
  char what[320];
  snprintf(what, sizeof what, "building %s.so", app->funcs[l->entry].name);
  rc = run_faas_merge(app->dir, a.v, what);
  argv_free(&a);
  return rc;
}

/* ---- the files beside the libraries ------------------------------------------ */

static int write_text(struct deploy *d, const char *name, const char *text,
                      mode_t mode) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s", d->stage, name);
  int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  size_t len = strlen(text);
  if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) != 0)
    return complain(EXIT_ERROR, "%s: %s", p, strerror(errno));
  return 0;
}

/* minWorkers is at least 1 in a deployment: Nightcore caps the calls it
 * dispatches to a function at its measured load, rounded, but not below
 * minWorkers, so with 0 it dispatches nothing once the estimate rounds to 0
 * (after 128 calls; engine/dispatcher.cpp). */
static int write_func_config(struct deploy *d) {
  const struct app *app = &d->app;
  json_t *a = json_array();
  int rc = EXIT_ERROR;
  bool raised = false;
  /* In the order of the manifest, so that the file reads like it. */
  for (size_t f = 0; a != NULL && f < app->nfuncs; f++) {
    if (!d->plan.deployed[f])
      continue;
    const struct app_function *af = &app->funcs[f];
    json_t *o = json_object();
    if (o == NULL || json_array_append_new(a, o) != 0)
      goto out;
    json_object_set_new(o, "funcName", json_string(af->name));
    json_object_set_new(o, "funcId", json_integer(af->func_id));
    json_object_set_new(o, "minWorkers",
                        json_integer(af->min_workers >= 1 ? af->min_workers : 1));
    if (af->min_workers < 1) {
      printf("%s %s", raised ? "," : "func_config.json: minWorkers 1 for",
             af->name);
      raised = true;
    }
    if (af->max_workers >= 0)
      json_object_set_new(o, "maxWorkers", json_integer(af->max_workers));
  }
  if (raised)
    printf(" (the manifest gives 0 or none): Nightcore dispatches nothing to "
           "a function with minWorkers 0 once its measured load rounds to "
           "0\n");
  char *text = a ? json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  if (text == NULL) {
    complain(EXIT_ERROR, "out of memory");
    goto out;
  }
  char *nl;
  if (asprintf(&nl, "%s\n", text) < 0) {
    free(text);
    complain(EXIT_ERROR, "out of memory");
    goto out;
  }
  free(text);
  rc = write_text(d, "func_config.json", nl, 0644);
  free(nl);
out:
  json_decref(a);
  return rc;
}

static int write_launcher(struct deploy *d) {
  const struct app *app = &d->app;
  char *s = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&s, &len);
  if (f == NULL)
    return complain(EXIT_ERROR, "out of memory");
  fprintf(f,
          "#!/bin/sh\n"
          "# Starts a Nightcore launcher for each function of this "
          "deployment\n"
          "# (faas-app deploy of ");
  /* The manifest's path goes into a comment: a newline in it would end the
   * comment and run the rest, so control characters become '?'. */
  for (const char *c = app->path; *c != '\0'; c++)
    fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, f);
  fprintf(f,
          "). Start Nightcore's gateway and engine\n"
          "# first, both with --func_config_file=<this directory>/"
          "func_config.json.\n"
          "#   NIGHTCORE_BIN     the directory of Nightcore's launcher and\n"
          "#                     func_worker_v1 (its bin/release)\n"
          "#   LAUNCHER_FLAGS    more flags for every launcher (e.g.\n"
          "#                     --root_path_for_ipc=DIR)\n"
          "#   FPROCESS_OUTPUT_DIR  the workers' logs (default: DIR.outputs\n"
          "#                     beside this directory, which faas-app deploy\n"
          "#                     replaces whole)\n"
          "# Stopping it (TERM, INT) stops the launchers it started.\n"
          "set -eu\n"
          ": \"${NIGHTCORE_BIN:?set NIGHTCORE_BIN to the directory of "
          "Nightcore's launcher and func_worker_v1}\"\n"
          "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
          "case $here in *[[:space:]]*)\n"
          "  echo \"launch.sh: $here: Nightcore's --fprocess cannot name a "
          "library in a path with white space\" >&2; exit 1 ;;\n"
          "esac\n"
          "out=${FPROCESS_OUTPUT_DIR:-$here.outputs}\n"
          "mkdir -p \"$out\"\n"
          "pids=\n"
          "trap 'kill $pids 2>/dev/null; wait; exit 143' TERM\n"
          "trap 'kill $pids 2>/dev/null; wait; exit 130' INT\n");
  for (size_t k = 0; k < app->nfuncs; k++) {
    if (!d->plan.deployed[k])
      continue;
    fprintf(f,
            "\"$NIGHTCORE_BIN/launcher\" --func_id=%ld --fprocess_mode=cpp "
            "--fprocess_output_dir=\"$out\" \\\n"
            "  --fprocess=\"$NIGHTCORE_BIN/func_worker_v1 $here/%s.so\" "
            "${LAUNCHER_FLAGS:-} &\n"
            "pids=\"$pids $!\"\n",
            app->funcs[k].func_id, app->funcs[k].name);
  }
  fprintf(f, "wait\n");
  if (fclose(f) != 0) {
    free(s);
    return complain(EXIT_ERROR, "out of memory");
  }
  int rc = write_text(d, "launch.sh", s, 0755);
  free(s);
  return rc;
}

/* ---- the check --------------------------------------------------------------- */

/* Runs argv with stdout to out and stderr to err; its exit status. */
static int run_to(char **argv, const char *out, const char *err) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
      _exit(126);
    execv(argv[0], argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The whole of a file (malloc'd), its length in *len; NULL on error. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *s = NULL;
  size_t cap = 0;
  *len = 0;
  if (f == NULL)
    return NULL;
  for (;;) {
    if (*len == cap) {
      char *p = realloc(s, cap = cap ? cap * 2 : 65536);
      if (p == NULL) {
        free(s);
        fclose(f);
        return NULL;
      }
      s = p;
    }
    size_t r = fread(s + *len, 1, cap - *len, f);
    *len += r;
    if (r == 0)
      break;
  }
  fclose(f);
  return s;
}

/* RPCs per request in a profile: the calls on edges with a caller. */
static int rpcs_per_request(const char *path, double *rpcs) {
  json_error_t je;
  json_t *j = json_load_file(path, 0, &je), *e;
  size_t i;
  double calls = 0;
  if (j == NULL)
    return -1;
  json_array_foreach(json_object_get(j, "edges"), i, e) {
    if (!json_is_null(json_object_get(e, "caller")))
      calls += (double)json_integer_value(json_object_get(e, "calls"));
  }
  json_int_t n = json_integer_value(json_object_get(j, "requests"));
  *rpcs = n > 0 ? calls / (double)n : 0;
  json_decref(j);
  return 0;
}

struct run_result {
  int status;
  char *out;
  size_t len;
  double rpcs;
};

/* faas-run [--ipc] --app APP --lib-dir DIR --requests FILE --profile P
 * ENTRY, into r. */
static int run_requests(struct deploy *d, const struct recorded *rq,
                        const char *lib_dir, bool ipc, const char *tag,
                        struct run_result *r) {
  struct argv a = {0};
  char out[PATH_MAX * 2], err[PATH_MAX * 2], prof[PATH_MAX * 2];
  snprintf(out, sizeof out, "%s/%s-%s.out", d->check, rq->entry, tag);
  snprintf(err, sizeof err, "%s/%s-%s.err", d->check, rq->entry, tag);
  snprintf(prof, sizeof prof, "%s/%s-%s.profile.json", d->check, rq->entry,
           tag);
  int rc = push(&a, d->faas_run);
  if (ipc)
    rc |= push(&a, "--ipc");
  rc |= push(&a, "--app") | push(&a, d->app.path) | push(&a, "--lib-dir") |
        push(&a, lib_dir) | push(&a, "--requests") | push(&a, rq->file) |
        push(&a, "--profile") | push(&a, prof) | push(&a, rq->entry);
  if (rc != 0) {
    argv_free(&a);
    return complain(EXIT_ERROR, "out of memory");
  }
  r->status = run_to(a.v, out, err);
  argv_free(&a);
  r->out = slurp(out, &r->len);
  if (r->status < 0 || r->out == NULL)
    return complain(EXIT_ERROR, "checking %s: cannot run %s", rq->entry,
                    d->faas_run);
  if (r->status == 2 || r->status > 3) {
    size_t n, start = 0;
    char *e = slurp(err, &n);
    if (e != NULL)
      n = last_line(e, n, &start);
    complain(EXIT_ERROR, "checking %s (%s): %.*s", rq->entry, tag,
             e ? (int)n : 0, e ? e + start : "");
    free(e);
    return EXIT_ERROR;
  }
  r->rpcs = 0;
  if (rpcs_per_request(prof, &r->rpcs) != 0)
    return complain(EXIT_ERROR, "checking %s (%s): no profile from faas-run",
                    rq->entry, tag);
  return 0;
}

static size_t first_difference(const struct run_result *a,
                               const struct run_result *b) {
  size_t i = 0;
  while (i < a->len && i < b->len && a->out[i] == b->out[i])
    i++;
  return i;
}

static int check_entry(struct deploy *d, const struct recorded *rq,
                       const char *lib_dir) {
  struct run_result ref = {0}, in = {0}, ipc = {0};
  int rc = run_requests(d, rq, lib_dir, false, "unmerged", &ref);
  if (rc == 0)
    rc = run_requests(d, rq, d->stage, false, "deployed", &in);
  if (rc == 0)
    rc = run_requests(d, rq, d->stage, true, "deployed-ipc", &ipc);
  for (int k = 0; rc == 0 && k < 2; k++) {
    const struct run_result *r = k == 0 ? &in : &ipc;
    const char *how = k == 0 ? "in one process" : "with --ipc";
    if (r->status != ref.status)
      rc = EXIT_DIFFERS, complain(EXIT_ERROR,
                    "the deployment differs: %s on %s exits %d %s, the "
                    "unmerged app %d (the deployment is left in %s; %s is "
                    "unchanged)",
                    rq->entry, rq->file, r->status, how, ref.status, d->stage,
                    d->out);
    else if (r->len != ref.len || memcmp(r->out, ref.out, r->len) != 0)
      rc = EXIT_DIFFERS, complain(EXIT_ERROR,
                    "the deployment differs: %s on %s writes other bytes %s "
                    "than the unmerged app, from byte %zu (the deployment is "
                    "left in %s; %s is unchanged)",
                    rq->entry, rq->file, how, first_difference(r, &ref),
                    d->stage, d->out);
  }
  if (rc == 0) {
    size_t n, requests = 0;
    char *text = slurp(rq->file, &n);
    for (size_t i = 0; text != NULL && i < n; i++)
      requests += text[i] == '\n' || i + 1 == n;
    free(text);
    printf("%s: %zu requests (%s): the same %zu bytes%s in one process and "
           "with --ipc; RPCs per request %.2f unmerged, %.2f deployed\n",
           rq->entry, requests, rq->file, ref.len,
           ref.status == 0 ? "" : " and exit status", ref.rpcs, in.rpcs);
  }
  free(ref.out);
  free(in.out);
  free(ipc.out);
  return rc;
}

/* ---- the command -------------------------------------------------------------- */

static const char *const usage_line =
    "faas-app deploy [-o DIR] [--lib-dir DIR] --requests ENTRY=FILE... "
    "[--llvm-version N] [-O0..-O3] [-v] [plan options] APP.json";

int deploy_command(int argc, char **argv, const char *default_llvm) {
  struct deploy d = {.llvm = default_llvm, .olevel = "-O2"};
  struct input *in = NULL;
  size_t nin = 0;
  const char *path = NULL;
  char *def_lib = NULL, *def_out = NULL, err[1024];
  bool have_app = false, exists = false, staged = false, checking = false;
  int rc = EXIT_USAGE;

  plan_options_init(&d.po);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    int r = plan_options_parse(&d.po, argc, argv, &i);
    if (r < 0)
      goto out;
    if (r > 0)
      continue;
    if (strcmp(a, "-o") == 0 || strcmp(a, "--llvm-version") == 0 ||
        strcmp(a, "--requests") == 0) {
      if (i + 1 == argc) {
        complain(EXIT_USAGE, "option %s needs a value", a);
        goto out;
      }
      const char *v = argv[++i];
      if (a[1] == 'o') {
        d.out = v;
      } else if (a[2] == 'l') {
        d.llvm = v;
      } else {
        const char *eq = strchr(v, '=');
        struct recorded *p = reallocarray(d.req, d.nreq + 1, sizeof *p);
        if (p == NULL) {
          rc = complain(EXIT_ERROR, "out of memory");
          goto out;
        }
        d.req = p;
        if (eq == NULL || eq == v || eq[1] == '\0') {
          complain(EXIT_USAGE, "--requests %s: expected ENTRY=FILE", v);
          goto out;
        }
        char *entry = strndup(v, (size_t)(eq - v));
        if (entry == NULL) {
          rc = complain(EXIT_ERROR, "out of memory");
          goto out;
        }
        d.req[d.nreq++] = (struct recorded){entry, eq + 1};
      }
    } else if (strcmp(a, "-O0") == 0 || strcmp(a, "-O1") == 0 ||
               strcmp(a, "-O2") == 0 || strcmp(a, "-O3") == 0) {
      d.olevel = a;
    } else if (strcmp(a, "-v") == 0) {
      d.verbose = true;
    } else if (strcmp(a, "--graph") == 0) {
      complain(EXIT_USAGE, "--graph is for plan: deploy builds an app");
      goto out;
    } else if (take_operand(a, &path, "deploy") != 0) {
      goto out;
    }
  }
  if (path == NULL) {
    complain(EXIT_USAGE, "missing APP.json, the manifest (usage: %s)",
             usage_line);
    goto out;
  }
  if (d.out != NULL && d.out[0] == '\0') {
    complain(EXIT_USAGE, "-o needs a directory");
    goto out;
  }
  if (strspn(d.llvm, "0123456789") != strlen(d.llvm) || d.llvm[0] == '\0') {
    complain(EXIT_USAGE,
             "bad --llvm-version '%s' (a major version such as 14, 19 or 22)",
             d.llvm);
    goto out;
  }
  if (app_load(&d.app, path, err, sizeof err) != 0) {
    app_free(&d.app);
    complain(EXIT_USAGE, "%s", err);
    goto out;
  }
  have_app = true;
  if (d.nreq == 0) {
    complain(EXIT_USAGE,
             "no --requests ENTRY=FILE: deploy checks the deployment on "
             "recorded requests before it says done");
    goto out;
  }
  for (size_t k = 0; k < d.nreq; k++) {
    const struct app_function *f = app_find(&d.app, d.req[k].entry);
    if (f == NULL || !f->is_public) {
      complain(EXIT_USAGE, "--requests %s=%s: %s is %s", d.req[k].entry,
               d.req[k].file, d.req[k].entry,
               f == NULL ? "not a function of the app" : "not public");
      goto out;
    }
    if (access(d.req[k].file, R_OK) != 0) {
      complain(EXIT_USAGE, "--requests %s=%s: %s", d.req[k].entry,
               d.req[k].file, strerror(errno));
      goto out;
    }
  }
  rc = EXIT_ERROR;
  if (d.po.lib_dir == NULL &&
      (d.po.lib_dir = def_lib = app_default_library_dir(&d.app)) == NULL) {
    complain(EXIT_ERROR, "out of memory");
    goto out;
  }
  if (d.out == NULL &&
      asprintf(&def_out, "%s/deploy", d.app.dir) < 0) {
    complain(EXIT_ERROR, "out of memory");
    goto out;
  }
  if (d.out == NULL)
    d.out = def_out;
  if (plan_inputs_protect(&d.po, &d.app, d.po.lib_dir, &in, &nin) != 0) {
    complain(EXIT_ERROR, "out of memory");
    goto out;
  }
  for (size_t k = 0; k < d.nreq; k++)
    if (add_input(&in, &nin, d.req[k].file, "a requests file") != 0) {
      complain(EXIT_ERROR, "out of memory");
      goto out;
    }
  if (check_deploy_dir(d.out, in, nin, &exists) != 0)
    goto out;
  {
    struct stat a, b;
    if (exists && stat(d.out, &a) == 0 && stat(d.po.lib_dir, &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
      complain(EXIT_ERROR, "%s: is the unmerged build (--lib-dir)", d.out);
      goto out;
    }
  }

  if (plan_compute(&d.po, &d.app, d.po.lib_dir, &d.pin, &d.plan) != 0)
    goto out;
  struct plan_report_context ctx = {path, &d.po.lim};
  if (plan_print(stdout, &d.pin, &d.plan, &ctx) != 0)
    goto out;
  fputc('\n', stdout);
  fflush(stdout);

  /* The new deployment, beside DIR. */
  {
    char parent[PATH_MAX];
    strlcpy(parent, d.out, sizeof parent);
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/')
      parent[--n] = '\0';
    snprintf(d.stage, sizeof d.stage, "%s.new-XXXXXX", parent);
    /* DIR's parents, made as faas-app build makes its DIR's */
    char *slash = strrchr(parent, '/');
    if (slash != NULL && slash != parent) {
      *slash = '\0';
      if (make_dirs(parent) != 0) {
        complain(EXIT_ERROR, "%s: cannot make the directory: %s", parent,
                 strerror(errno));
        goto out;
      }
    }
  }
  if (mkdtemp(d.stage) == NULL) {
    complain(EXIT_ERROR, "%s: cannot make a directory beside it: %s", d.out,
             strerror(errno));
    goto out;
  }
  staged = true;
  {
    /* faas-merge runs in the manifest's directory: an absolute path. */
    char real[PATH_MAX];
    if (realpath(d.stage, real) == NULL) {
      complain(EXIT_ERROR, "%s: %s", d.stage, strerror(errno));
      goto out;
    }
    strlcpy(d.stage, real, sizeof d.stage);
  }
  {
    /* mkdtemp's 0700 is for the check's scratch; a deployment is read by
     * Nightcore's workers, maybe as another user: what mkdir would make. */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(d.stage, 0777 & ~mask) != 0) {
      complain(EXIT_ERROR, "%s: %s", d.stage, strerror(errno));
      goto out;
    }
  }
  find_tool("faas-merge", d.faas_merge);
  find_tool("faas-run", d.faas_run);
  for (size_t i = 0; i < d.plan.nlibs; i++) {
    const struct plan_library *l = &d.plan.libs[i];
    printf("building %s.so:", d.app.funcs[l->entry].name);
    for (size_t k = 0; k < l->nmembers; k++)
      printf(" %s", d.app.funcs[l->members[k]].name);
    putchar('\n');
    fflush(stdout);
    if (build_library(&d, l) != 0)
      goto out;
  }
  if (write_func_config(&d) != 0 || write_launcher(&d) != 0)
    goto out;
  {
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/plan.json", d.stage);
    if (plan_write_json(p, &d.pin, &d.plan, &ctx) != 0)
      goto out;
  }

  /* The check. */
  const char *tmp = getenv("TMPDIR");
  snprintf(d.check, sizeof d.check, "%s/faas-app-check-XXXXXX",
           tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
  if (mkdtemp(d.check) == NULL) {
    complain(EXIT_ERROR, "%s: %s", d.check, strerror(errno));
    goto out;
  }
  checking = true;
  putchar('\n');
  for (size_t k = 0; k < d.nreq; k++)
    if ((rc = check_entry(&d, &d.req[k], d.po.lib_dir)) != 0) {
      /* a difference leaves the deployment for a look; an error does not */
      staged = rc != EXIT_DIFFERS;
      rc = EXIT_ERROR;
      goto out;
    }
  rc = EXIT_ERROR;
  for (size_t f = 0; f < d.app.nfuncs; f++) {
    bool given = false;
    for (size_t k = 0; k < d.nreq && !given; k++)
      given = strcmp(d.req[k].entry, d.app.funcs[f].name) == 0;
    if (d.app.funcs[f].is_public && !given)
      printf("%s: no --requests, not checked\n", d.app.funcs[f].name);
  }
  if (write_text(&d, MARKER, "faas-app deploy wrote this directory\n", 0644) !=
      0)
    goto out;

  /* DIR's place. */
  if (exists) {
    char old[PATH_MAX];
    snprintf(old, sizeof old, "%s.old-%ld", d.stage, (long)getpid());
    if (rename(d.out, old) != 0) {
      complain(EXIT_ERROR, "%s: cannot move it aside: %s", d.out,
               strerror(errno));
      goto out;
    }
    if (rename(d.stage, d.out) != 0) {
      complain(EXIT_ERROR, "%s: cannot put the deployment there: %s", d.out,
               strerror(errno));
      rename(old, d.out);
      goto out;
    }
    if (remove_flat_dir(old) != 0)
      printf("note: the earlier deployment is left in %s (it held more "
             "than faas-app wrote)\n",
             old);
  } else if (rename(d.stage, d.out) != 0) {
    complain(EXIT_ERROR, "%s: cannot put the deployment there: %s", d.out,
             strerror(errno));
    goto out;
  }
  staged = false;
  printf("deployed: %s (%zu librar%s, func_config.json, launch.sh, "
         "plan.json)\n",
         d.out, d.plan.nlibs, d.plan.nlibs == 1 ? "y" : "ies");
  rc = 0;
out:
  if (checking)
    remove_flat_dir(d.check);
  if (staged)
    remove_flat_dir(d.stage);
  plan_free(&d.plan);
  plan_input_free(&d.pin);
  if (have_app)
    app_free(&d.app);
  for (size_t k = 0; k < d.nreq; k++)
    free((char *)d.req[k].entry);
  free(d.req);
  free(def_lib);
  free(def_out);
  free(in);
  plan_options_free(&d.po);
  return rc;
}
