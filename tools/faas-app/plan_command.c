/*
 * faas-app plan: reads what the build of an app left (or a graph file),
 * plans which functions to merge into which library (plan.c), prints the
 * plan as a table and, with -o, writes it as JSON (plan_report.c).
 *
 *   faas-app plan [--lib-dir DIR] [--profile FILE]... [--weigh calls|bytes]
 *                 [LIMITS] [-o PLAN.json] APP.json
 *   faas-app plan --graph GRAPH.json [LIMITS] [-o PLAN.json]
 *   LIMITS: [--max-functions N] [--max-code-size SIZE] [--never NAME]...
 *           [--exact-up-to N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "faas_app.h"
#include "plan_command.h"
#include "plan_report.h"

/* "1200", "64k", "2M", "1G" (powers of 1024): bytes, or 0 when malformed. */
static unsigned long parse_size(const char *s) {
  char *end;
  errno = 0;
  if (s[0] < '0' || s[0] > '9')
    return 0;
  unsigned long v = strtoul(s, &end, 10), mul = 1;
  if (errno != 0)
    return 0;
  if (*end == 'k' || *end == 'K')
    mul = 1ul << 10, end++;
  else if (*end == 'm' || *end == 'M')
    mul = 1ul << 20, end++;
  else if (*end == 'g' || *end == 'G')
    mul = 1ul << 30, end++;
  if (*end != '\0' || v > (unsigned long)-1 / mul)
    return 0;
  return v * mul;
}

static long parse_count(const char *s, long max) {
  char *end;
  errno = 0;
  if (s[0] < '0' || s[0] > '9')
    return -1;
  long v = strtol(s, &end, 10);
  return errno != 0 || *end != '\0' || v > max ? -1 : v;
}

int plan_options_parse(struct plan_options *o, int argc, char **argv, int *i) {
  const char *a = argv[*i];
#define VALUE()                                                                \
  (*i + 1 < argc ? argv[++*i]                                                  \
                 : (complain(EXIT_USAGE, "option %s needs a value", a), NULL))
  if (strcmp(a, "--lib-dir") == 0) {
    if ((o->lib_dir = VALUE()) == NULL)
      return -1;
  } else if (strcmp(a, "--profile") == 0) {
    const char *v = VALUE();
    const char **p = v ? reallocarray(o->profiles, o->nprofiles + 1,
                                      sizeof *p)
                       : NULL;
    if (p == NULL)
      return v == NULL ? -1 : (complain(EXIT_ERROR, "out of memory"), -1);
    o->profiles = p;
    p[o->nprofiles++] = v;
  } else if (strcmp(a, "--never") == 0) {
    const char *v = VALUE();
    const char **p = v ? reallocarray(o->never, o->nnever + 1, sizeof *p)
                       : NULL;
    if (p == NULL)
      return v == NULL ? -1 : (complain(EXIT_ERROR, "out of memory"), -1);
    o->never = p;
    p[o->nnever++] = v;
  } else if (strcmp(a, "--weigh") == 0) {
    const char *v = VALUE();
    if (v == NULL)
      return -1;
    if (strcmp(v, "calls") == 0)
      o->weigh = WEIGH_CALLS;
    else if (strcmp(v, "bytes") == 0)
      o->weigh = WEIGH_BYTES;
    else
      return complain(EXIT_USAGE, "--weigh %s: calls or bytes", v), -1;
  } else if (strcmp(a, "--max-functions") == 0) {
    const char *v = VALUE();
    if (v == NULL)
      return -1;
    if ((o->lim.max_functions = parse_count(v, 1000000)) < 1)
      return complain(EXIT_USAGE,
                      "--max-functions %s: expected an integer from 1", v),
             -1;
  } else if (strcmp(a, "--max-code-size") == 0) {
    const char *v = VALUE();
    if (v == NULL)
      return -1;
    if ((o->lim.max_code_bytes = parse_size(v)) == 0)
      return complain(EXIT_USAGE,
                      "--max-code-size %s: expected bytes from 1, with k, M "
                      "or G for 1024, 1024^2, 1024^3",
                      v),
             -1;
  } else if (strcmp(a, "--exact-up-to") == 0) {
    const char *v = VALUE();
    long n;
    if (v == NULL)
      return -1;
    if ((n = parse_count(v, PLAN_EXACT_MAX)) < 0)
      return complain(EXIT_USAGE,
                      "--exact-up-to %s: expected an integer from 0 to %d", v,
                      PLAN_EXACT_MAX),
             -1;
    o->lim.exact_up_to = (size_t)n;
  } else {
    return 0; /* not a plan option */
  }
#undef VALUE
  return 1;
}

void plan_options_init(struct plan_options *o) {
  memset(o, 0, sizeof *o);
  o->lim.exact_up_to = PLAN_EXACT_DEFAULT;
  o->weigh = WEIGH_CALLS;
}

void plan_options_free(struct plan_options *o) {
  free(o->profiles);
  free(o->never);
}

int plan_inputs_protect(const struct plan_options *o, const struct app *app,
                        const char *lib_dir, struct input **in, size_t *nin) {
  if (app != NULL && collect_inputs(app, in, nin) != 0)
    return -1;
  for (size_t k = 0; k < o->nprofiles; k++)
    if (add_input(in, nin, o->profiles[k], "a profile") != 0)
      return -1;
  if (o->graph != NULL && add_input(in, nin, o->graph, "the graph file") != 0)
    return -1;
  for (size_t f = 0; app != NULL && lib_dir != NULL && f < app->nfuncs; f++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/%s.so", lib_dir, app->funcs[f].name);
    if (add_input(in, nin, p, "the library of %s", app->funcs[f].name) != 0)
      return -1;
    snprintf(p, sizeof p, "%s/%s.callgraph.json", lib_dir, app->funcs[f].name);
    if (add_input(in, nin, p, "the call graph of %s", app->funcs[f].name) != 0)
      return -1;
  }
  return 0;
}

int plan_compute(const struct plan_options *o, const struct app *app,
                 const char *lib_dir, struct plan_input *pin,
                 struct plan *plan) {
  char err[1024];
  int rc = app != NULL
               ? plan_input_from_app(pin, app, lib_dir, o->profiles,
                                     o->nprofiles, o->weigh, o->never,
                                     o->nnever, err, sizeof err)
               : plan_input_from_graph(pin, o->graph, o->never, o->nnever, err,
                                       sizeof err);
  if (rc != 0)
    return complain(EXIT_ERROR, "%s", err);
  if (plan_make(&pin->g, &o->lim, plan) != 0)
    return complain(EXIT_ERROR, "out of memory");
  return 0;
}

int plan_write_json(const char *out, const struct plan_input *pin,
                    const struct plan *plan,
                    const struct plan_report_context *ctx) {
  json_t *j = plan_json(pin, plan, ctx);
  char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                     JSON_REAL_PRECISION(12))
                 : NULL;
  json_decref(j);
  if (text == NULL)
    return complain(EXIT_ERROR, "out of memory");
  size_t len = strlen(text);
  text[len] = '\n'; /* json_dumps's NUL becomes the last newline */
  int rc = write_file_replacing(out, text, len + 1);
  free(text);
  return rc;
}

int plan_command(int argc, char **argv) {
  struct plan_options o;
  struct app app;
  struct plan_input pin = {0};
  struct plan plan = {0};
  struct input *in = NULL;
  size_t nin = 0;
  const char *path = NULL, *out = NULL;
  char *def = NULL, err[1024];
  bool have_app = false;
  int rc = EXIT_USAGE;

  plan_options_init(&o);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    int r = plan_options_parse(&o, argc, argv, &i);
    if (r < 0)
      goto out;
    if (r > 0)
      continue;
    if (strcmp(a, "--graph") == 0 || strcmp(a, "-o") == 0) {
      if (i + 1 == argc) {
        complain(EXIT_USAGE, "option %s needs a value", a);
        goto out;
      }
      *(a[1] == 'o' ? &out : &o.graph) = argv[++i];
    } else if (take_operand(a, &path, "plan") != 0) {
      goto out;
    }
  }
  if (o.graph != NULL && path != NULL) {
    complain(EXIT_USAGE, "--graph takes the place of APP.json: give one");
    goto out;
  }
  if (o.graph == NULL && path == NULL) {
    complain(EXIT_USAGE, "missing APP.json, the manifest (or --graph FILE)");
    goto out;
  }
  if (o.graph != NULL && (o.lib_dir != NULL || o.nprofiles > 0)) {
    complain(EXIT_USAGE, "%s is for an app, not with --graph",
             o.lib_dir != NULL ? "--lib-dir" : "--profile");
    goto out;
  }
  if (out != NULL && out[0] == '\0') {
    complain(EXIT_USAGE, "-o needs a file");
    goto out;
  }
  if (path != NULL) {
    if (app_load(&app, path, err, sizeof err) != 0) {
      app_free(&app);
      complain(EXIT_USAGE, "%s", err);
      goto out;
    }
    have_app = true;
    if (o.lib_dir == NULL &&
        (o.lib_dir = def = app_default_library_dir(&app)) == NULL) {
      rc = complain(EXIT_ERROR, "out of memory");
      goto out;
    }
  }
  rc = EXIT_ERROR;
  if (out != NULL) {
    dev_t dev;
    ino_t ino;
    if (plan_inputs_protect(&o, have_app ? &app : NULL, o.lib_dir, &in,
                            &nin) != 0) {
      complain(EXIT_ERROR, "out of memory");
      goto out;
    }
    if (check_output(out, in, nin, &dev, &ino) != 0)
      goto out;
  }
  if (plan_compute(&o, have_app ? &app : NULL, o.lib_dir, &pin, &plan) != 0)
    goto out;
  struct plan_report_context ctx = {path != NULL ? path : o.graph, &o.lim};
  if (plan_print(stdout, &pin, &plan, &ctx) != 0 || fflush(stdout) != 0) {
    complain(EXIT_ERROR, "writing the plan: %s", strerror(errno));
    goto out;
  }
  if (out != NULL && plan_write_json(out, &pin, &plan, &ctx) != 0)
    goto out;
  rc = 0;
out:
  plan_free(&plan);
  plan_input_free(&pin);
  if (have_app)
    app_free(&app);
  free(def);
  free(in);
  plan_options_free(&o);
  return rc;
}
