/* The provider interface: what turns extracted text into the parsed
 * document (parse stage) and the parsed document into enrichments (enrich
 * stage).  Implementations: the offline heuristic provider (offline.c) and
 * the OpenAI-compatible LLM provider (llm.c).
 *
 * Shapes (jansson objects, owned by the callee until handed to the callback):
 *
 * parse result:
 *   { "source_type": "heuristic" | "openai_json_schema" | "openai_function_call" | ...,
 *     "model_version": "heuristic-v1" | "<model the API reported>",
 *     "confidence": 0..1,                       default for every field
 *     "document": { "contact": {name, headline, email, phone, location, urls[]},
 *                   "summary": str|null,
 *                   "work_experience": [{company, title, location, start_date, end_date,
 *                                        is_current, date_text, description, confidence?}],
 *                   "education": [{institution, degree, field_of_study, start_date, end_date,
 *                                  is_current, date_text, gpa, confidence?}],
 *                   "skills": [{name, category, proficiency_level, years_of_experience}],
 *                   "projects": [{name, role, url, start_date, end_date, is_current,
 *                                 date_text, description}],
 *                   "certifications": [{name, issuer, date}],
 *                   "languages": [{name, proficiency}] },
 *     "telemetry": {...} }                      merged into processing_telemetry
 *   Dates are partial ISO 8601 ("YYYY" or "YYYY-MM"); a current entry has
 *   end_date null and is_current true.  description is one string (bullets
 *   joined by "\n").  cw_entities_flatten() turns the document into
 *   parsed_resume_entities rows (DESIGN.md paths).
 *
 * enrich result:
 *   { "source_type", "model_version",
 *     "entries": [ { "path": "work_experience.0", "parsed_structure": {...},
 *                    "insights": [str], "skills_identified": [str], "recommendations": [str],
 *                    "experience_level": str, "career_progression": str,
 *                    "market_relevance": str, "confidence": 0..1 } ],
 *     "career": { "role_archetype", "role_archetype_explanation", "persona_type",
 *                 "persona_explanation", "leadership_score" (0..100), "leadership_explanation",
 *                 "scope_score", "scope_explanation", "technical_depth_score",
 *                 "technical_depth_explanation", "confidence" },
 *     "narratives": [ { "narrative_type": "career_summary"|"key_strengths"|"growth_trajectory",
 *                       "narrative_text", "narrative_explanation", "confidence" } ],
 *     "telemetry": {...} }
 */
#ifndef CAREEROS_PROVIDER_H
#define CAREEROS_PROVIDER_H

#include <jansson.h>
#include <stddef.h>
#include <uv.h>

#include "careeros/errors.h"

typedef struct cw_provider cw_provider;
typedef struct cw_provider_call cw_provider_call;

typedef struct {
  const char *job_id;        /* for log lines only */
  const char *text;          /* extracted, normalised UTF-8 text */
  size_t text_len;
  const char *document_date; /* "YYYY-MM-DD": upload date, anchors "Present" */
  json_t *parsed;            /* enrich only: the parse result's "document" (borrowed) */
  json_t *checkpoint;        /* what an earlier attempt of this stage kept (an outcome's
                              * checkpoint, borrowed, may be NULL): answers that need not
                              * be paid for again */
  const char *batch_answer;  /* parse, LLM provider: a Batch API answer to read instead of
                                calling the API (batch.h); NULL otherwise */
} cw_provider_req;

typedef struct {
  int status;          /* 0 on success, negative errno-style otherwise */
  cw_errcode code;     /* meaningful when status != 0 */
  char message[256];   /* short, no resume text, no secrets */
  long retry_after_ms; /* >= 0: the provider advises this delay before a retry */
  json_t *result;      /* on success: the shape above; ownership passes to the callback */
  json_t *telemetry;   /* always may be set, even on failure; ownership passes too */
  json_t *checkpoint;  /* on failure, may be set: answers the retry can reuse (pass them
                        * back as cw_provider_req.checkpoint); ownership passes too */
} cw_provider_outcome;

/* Called exactly once per started call, never from inside parse()/enrich()
 * themselves.  After cw_provider_cancel() it is called with -ECANCELED. */
typedef void (*cw_provider_cb)(void *arg, cw_provider_outcome *outcome);

struct cw_provider_ops {
  const char *name;
  int (*parse)(cw_provider *p, const cw_provider_req *req, cw_provider_cb cb, void *arg,
               cw_provider_call **call);
  int (*enrich)(cw_provider *p, const cw_provider_req *req, cw_provider_cb cb, void *arg,
                cw_provider_call **call);
  void (*cancel)(cw_provider *p, cw_provider_call *call);
  /* Releases everything; close_cb runs once every handle is closed. */
  void (*close)(cw_provider *p, void (*close_cb)(void *arg), void *arg);
};

struct cw_provider {
  const struct cw_provider_ops *ops;
};

static inline int cw_provider_parse(cw_provider *p, const cw_provider_req *r, cw_provider_cb cb,
                                    void *arg, cw_provider_call **call) {
  return p->ops->parse(p, r, cb, arg, call);
}
static inline int cw_provider_enrich(cw_provider *p, const cw_provider_req *r, cw_provider_cb cb,
                                     void *arg, cw_provider_call **call) {
  return p->ops->enrich(p, r, cb, arg, call);
}
static inline void cw_provider_cancel(cw_provider *p, cw_provider_call *call) {
  p->ops->cancel(p, call);
}
static inline void cw_provider_close(cw_provider *p, void (*cb)(void *), void *arg) {
  p->ops->close(p, cb, arg);
}

#endif
