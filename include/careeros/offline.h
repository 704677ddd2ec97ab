/* The offline provider: deterministic heuristics behind the provider
 * interface (provider.h).  Parse runs the PCRE2 heuristic parser
 * (heuristic.h), enrich the heuristic scorer; results are labelled
 * source_type "heuristic", model_version "heuristic-v1".  Both complete on
 * the loop's next iteration (never inside parse()/enrich()). */
#ifndef CAREEROS_OFFLINE_H
#define CAREEROS_OFFLINE_H

#include <jansson.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/provider.h"
#include "careeros/skills.h"

#define CW_HEURISTIC_SOURCE "heuristic"
#define CW_HEURISTIC_MODEL "heuristic-v1"

/* Loads the skills dictionary named by cfg->provider.skills_file (empty: the
 * installed default; if that is missing too, an empty dictionary and a
 * warning).  Returns 0, -errno when a configured file cannot be loaded. */
int cw_offline_provider_new(uv_loop_t *loop, const cw_config *cfg, cw_provider **out);

/* The heuristic enrichment, synchronously: document is a parse document,
 * document_date "YYYY-MM-DD" (or NULL: today) anchors current roles.
 * Returns 0 and a new enrich result (provider.h shape) or -errno. */
int cw_heuristic_enrich(const json_t *document, const char *document_date,
                        const cw_skills *skills, json_t **result);

#endif
