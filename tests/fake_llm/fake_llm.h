/* Fake OpenAI-compatible server for tests and benchmarks: answer builders. */
#ifndef FAKE_LLM_H
#define FAKE_LLM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

/* The parse document (schema resume_parse) read from the resume text. */
json_t *fake_parse_answer(const char *text, size_t len, bool hallucinate);
/* {"entries":[...]} for the entries the client sent ([{path, entry}]). */
json_t *fake_entries_answer(json_t *entries);
/* {"career":{...},"narratives":[...]} for a parsed document. */
json_t *fake_career_answer(json_t *doc);

#endif
