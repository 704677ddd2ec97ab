/* The parsed-entity contract (DESIGN.md): a parse result's "document" turned
 * into parsed_resume_entities rows, and the validator both providers run on
 * a document before anything is written. */
#ifndef CAREEROS_ENTITIES_H
#define CAREEROS_ENTITIES_H

#include <jansson.h>
#include <stddef.h>

/* Flattens document into a new array of rows, in document order, each
 *   [field_name, raw_value, confidence_score]
 * e.g. ["work_experience.0.company", "Acme" | null, 0.8] (confidence 0..1,
 * three decimals); source_type and model_version are the stage output's,
 * the same for every row.
 * Leaf paths as in DESIGN.md, a leaf row only for a field that has a value
 * (none for null, a missing key, an empty or blank string, a list without
 * text; false and 0 are values).  Every entry of work_experience,
 * education, skills, projects, certifications and languages also gets an
 * entry row ("work_experience.0") whose raw_value is compact JSON with every
 * field of its section in contract order, null where absent.
 * Booleans and numbers become text in leaf rows ("true", "3.5"); a list
 * (description bullets) becomes one "\n"-joined string in both.  An entry's
 * own "confidence" (0..1) overrides default_confidence for its rows.
 * Returns 0, -EINVAL (document not an object), -ENOMEM. */
int cw_entities_flatten(json_t *document, double default_confidence, json_t **rows);

/* The document as enrich sees it on any attempt: what the stored rows say
 * (contact values as text, blank ones and blank URLs left out, entries with
 * exactly their section's fields as in their entry rows).  The first
 * attempt, which holds the parse result in memory, sends the same thing a
 * retry rebuilds from the database, so a kept answer is recognised and the
 * prompt is the same.  NULL when document is not an object or on OOM. */
json_t *cw_entities_canonical(json_t *document);

/* Checks the document's shape: the eight top-level keys, types of every known
 * field, dates "YYYY" or "YYYY-MM", is_current entries without end_date,
 * confidences within 0..1.  Returns 0, or -EINVAL with a short reason (path
 * and problem, never resume text) in err. */
int cw_entities_validate_document(const json_t *document, char *err, size_t errlen);

/* True for "YYYY" and "YYYY-MM" (month 01..12). */
int cw_entities_is_partial_date(const char *s);

#endif
