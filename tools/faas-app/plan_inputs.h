/*
 * What the planner plans over: the weighted call graph of an application,
 * built from what `faas-app build` left in its library directory (each
 * function's NAME.callgraph.json and the code size of NAME.so), the
 * manifest's `calls` hints and, when given, profiles of recorded requests
 * (faas-run --profile); or read from a graph file a user wrote
 * (README.md, "The plan").
 */
#ifndef FAASFUSE_PLAN_INPUTS_H
#define FAASFUSE_PLAN_INPUTS_H

#include "manifest.h"
#include "plan.h"

enum plan_weigh { WEIGH_CALLS, WEIGH_BYTES };

/* One profile: its entry and requests, and per edge of the graph what it
 * counted (calls or bytes, as weighed). */
struct plan_profile {
  const char *path;
  size_t entry;
  double requests;
  double *per_edge;
};

struct plan_input {
  struct plan_graph g;
  const char *weights; /* "static" (1 per call edge), "calls" or "bytes" */
  struct plan_profile *profiles;
  size_t nprofiles;
  long *func_ids; /* per function, from the manifest (0 in a graph file) */
  /* per function: its run-time names are bounded by the manifest's hint */
  bool *hinted;
  /* per function: names it calls that are no function of the app */
  char **unknown_calls; /* "A, B" or NULL */
  size_t *by_name;      /* the functions sorted by name */
  void *owned;          /* what the strings point into */
};

/* From an app and the library directory of its build. never: names of
 * functions never to merge (each must be a function of the app). */
int plan_input_from_app(struct plan_input *in, const struct app *app,
                        const char *lib_dir, const char *const *profiles,
                        size_t nprofiles, enum plan_weigh weigh,
                        const char *const *never, size_t nnever, char *err,
                        size_t errlen);

/* From a graph file:
 *   {"functions": [{"name": "A", "size": 1200, "public": true,
 *                   "calls_anything": false}, ...],
 *    "edges": [{"caller": "A", "callee": "B", "weight": 3}, ...]} */
int plan_input_from_graph(struct plan_input *in, const char *path,
                          const char *const *never, size_t nnever, char *err,
                          size_t errlen);

void plan_input_free(struct plan_input *in);

#endif
