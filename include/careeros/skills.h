/* The categorised skills dictionary used by the offline parser.
 *
 * File format (config/skills.ini): UTF-8 lines.  "[category]" starts a
 * category; every other non-empty line is a skill, optionally followed by
 * "= alias, alias" (other spellings that map to it).  Lines starting with
 * '#' or ';' are comments, as is the rest of a line after a blank and '#'/';'.  A skill whose line starts with '!' is matched
 * only inside a skills section, never in running text (for names such as
 * "Go" or "R" that are ordinary words or letters). */
#ifndef CAREEROS_SKILLS_H
#define CAREEROS_SKILLS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cw_skills cw_skills;

/* Loads path; malformed lines are reported on stderr as "path:line: reason"
 * and make the load fail with -EINVAL.  -errno when the file cannot be read. */
int cw_skills_load(const char *path, cw_skills **out);
/* Parses a dictionary held in memory (same format); name is used in errors. */
int cw_skills_load_buffer(const char *buf, size_t len, const char *name, cw_skills **out);
void cw_skills_free(cw_skills *d);
size_t cw_skills_count(const cw_skills *d);

/* Looks a name or alias up (case-insensitive).  Returns true and sets the
 * canonical name and category (borrowed) when found. */
bool cw_skills_lookup(const cw_skills *d, const char *name, size_t len, const char **canonical,
                      const char **category);

/* Calls fn for every dictionary skill that occurs as a whole word in text
 * (case-insensitive; '!' skills are skipped).  Each canonical skill is
 * reported once, in order of first occurrence is not guaranteed. */
void cw_skills_scan(const cw_skills *d, const char *text, size_t len,
                    void (*fn)(void *arg, const char *canonical, const char *category),
                    void *arg);

#endif
