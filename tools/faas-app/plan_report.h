/*
 * A plan, printed as a table for a person and as JSON for faas-app deploy
 * (plan_report.c; README.md, "The plan", describes both).
 */
#ifndef FAASFUSE_PLAN_REPORT_H
#define FAASFUSE_PLAN_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "plan.h"
#include "plan_inputs.h"

struct plan_report_context {
  const char *source; /* the manifest or graph file planned */
  const struct plan_limits *lim;
};

/* The profile whose entry is entry, or NULL. */
const struct plan_profile *plan_profile_of(const struct plan_input *in,
                                           size_t entry);

/* RPCs a request to public function entry makes before merging and after
 * (per request by its profile, else call edges). 0, or -1 out of memory. */
int plan_predict(const struct plan_input *in, const struct plan *p,
                 size_t entry, double *before, double *after);

int plan_print(FILE *out, const struct plan_input *in, const struct plan *p,
               const struct plan_report_context *ctx);

/* The plan as a JSON object, or NULL when out of memory. */
json_t *plan_json(const struct plan_input *in, const struct plan *p,
                  const struct plan_report_context *ctx);

#endif
