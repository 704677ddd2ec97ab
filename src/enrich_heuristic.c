/* Heuristic enrichment: per-entry levels and insights, career scores with
 * their evidence, and three template narratives.  Everything is derived from
 * the parsed document with keyword counts, so it is cheap and explainable;
 * the explanations say which evidence produced each score. */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "careeros/offline.h"

enum level { LV_ENTRY, LV_JUNIOR, LV_MID, LV_SENIOR, LV_LEAD, LV_EXEC };
static const char *const level_names[] = {"entry", "junior", "mid", "senior", "lead", "executive"};

static bool has_word(const char *s, const char *w) {
  if (!s) return false;
  size_t n = strlen(w);
  for (const char *p = s; (p = strcasestr(p, w)) != NULL; p++) {
    bool l = p == s || !isalnum((unsigned char)p[-1]);
    bool r = !isalnum((unsigned char)p[n]);
    if (l && r) return true;
  }
  return false;
}

static bool any_word(const char *s, const char *const *ws) {
  for (int i = 0; ws[i]; i++)
    if (has_word(s, ws[i])) return true;
  return false;
}

static const char *const exec_words[] = {"ceo", "cto", "cfo", "coo", "cio", "chief", "president",
                                         "vp", "vice", "founder", "co-founder", "cofounder",
                                         "director", "owner", "partner", "head", NULL};
static const char *const lead_words[] = {"lead", "manager", "principal", "staff", "architect",
                                         "supervisor", "leiter", "responsable", "jefe", NULL};
/* Titles that manage people rather than lead technically. */
static const char *const people_words[] = {"manager", "head", "director", "supervisor",
                                           "leiter", "leiterin", "gerente", "jefe", NULL};
static const char *const senior_words[] = {"senior", "sr", "sr.", "expert", NULL};
static const char *const junior_words[] = {"junior", "jr", "jr.", "associate", "assistant", NULL};
static const char *const entry_words[] = {"intern", "internship", "trainee", "apprentice",
                                          "student", "werkstudent", "praktikant", "stagiaire",
                                          "becario", NULL};
static const char *const lead_verbs[] = {"led", "lead", "managed", "mentored", "hired",
                                         "scaled", "directed", "supervised", "coached", "headed",
                                         "founded", "built a team", "oversaw", "owned", NULL};
static const char *const scope_marks[] = {"$", "million", "m+", "k+", "users", "customers",
                                          "revenue", "global", "countries", "company-wide",
                                          "series", "%", NULL};

static enum level level_of(const char *title) {
  if (any_word(title, entry_words)) return LV_ENTRY;
  if (any_word(title, exec_words)) return LV_EXEC;
  if (any_word(title, lead_words)) return LV_LEAD;
  if (any_word(title, senior_words)) return LV_SENIOR;
  if (any_word(title, junior_words)) return LV_JUNIOR;
  return LV_MID;
}

/* Months since year 0 for "YYYY" / "YYYY-MM" (a bare year counts as its
 * middle for durations). */
static int months_of(const char *d, bool end) {
  if (!d || strlen(d) < 4) return -1;
  int y = atoi(d), m = strlen(d) >= 7 ? atoi(d + 5) : (end ? 12 : 1);
  return y * 12 + m - 1;
}

static int today_months(const char *document_date) {
  if (document_date && strlen(document_date) >= 7) return months_of(document_date, true);
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int duration_months(json_t *e, int now) {
  const char *s = json_string_value(json_object_get(e, "start_date"));
  const char *en = json_string_value(json_object_get(e, "end_date"));
  int a = months_of(s, false);
  int b = json_is_true(json_object_get(e, "is_current")) ? now : months_of(en, true);
  if (a < 0 || b < a) return 0;
  return b - a + 1;
}

static int count_marks(const char *s, const char *const *ws) {
  int n = 0;
  for (int i = 0; s && ws[i]; i++)
    for (const char *p = s; (p = strcasestr(p, ws[i])) != NULL; p += strlen(ws[i])) n++;
  return n;
}

static void add_unique(json_t *found, const char *name) {
  size_t k;
  json_t *w;
  json_array_foreach(found, k, w) if (strcasecmp(json_string_value(w), name) == 0) return;
  json_array_append_new(found, json_string(name));
}

static void skill_cb(void *arg, const char *canonical, const char *category) {
  (void)category;
  add_unique(arg, canonical);
}

/* Whole-word, case-insensitive occurrence of w in s. */
static bool mentions(const char *s, const char *w) {
  size_t n = strlen(w);
  if (!n) return false;
  for (const char *p = s; (p = strcasestr(p, w)) != NULL; p++) {
    bool l = p == s || !isalnum((unsigned char)p[-1]);
    bool r = !isalnum((unsigned char)p[n]) && p[n] != '+' && p[n] != '#';
    if (l && r) return true;
  }
  return false;
}

/* Dictionary skills in the entry's text, plus the resume's own listed
 * skills that the entry mentions. */
static json_t *entry_skills(const cw_skills *skills, json_t *e, json_t *listed) {
  json_t *found = json_array();
  const char *keys[] = {"title", "description", "degree", "field_of_study", "name", NULL};
  for (int i = 0; keys[i]; i++) {
    const char *s = json_string_value(json_object_get(e, keys[i]));
    if (!s) continue;
    cw_skills_scan(skills, s, strlen(s), skill_cb, found);
    size_t j;
    json_t *sk;
    json_array_foreach(listed, j, sk) {
      const char *name = json_string_value(json_object_get(sk, "name"));
      if (name && json_array_size(found) < 50 && mentions(s, name)) add_unique(found, name);
    }
  }
  return found;
}

static json_t *fmt_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fmt_str(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return json_string(buf);
}

static const char *str_or(json_t *o, const char *k, const char *def) {
  const char *s = json_string_value(json_object_get(o, k));
  return s && *s ? s : def;
}

static json_t *work_enrichment(const cw_skills *skills, json_t *listed, json_t *e, size_t i,
                               json_t *older, int now) {
  json_t *o = json_object();
  char path[48];
  snprintf(path, sizeof path, "work_experience.%zu", i);
  const char *title = str_or(e, "title", "");
  enum level lv = level_of(title);
  int months = duration_months(e, now);
  json_t *sk = entry_skills(skills, e, listed);
  const char *desc = str_or(e, "description", "");
  int bullets = *desc ? 1 + count_marks(desc, (const char *const[]){"\n", NULL}) : 0;
  json_t *insights = json_array(), *recs = json_array();
  if (months) json_array_append_new(insights, fmt_str("Tenure of about %d month(s).", months));
  if (count_marks(desc, lead_verbs))
    json_array_append_new(insights, json_string("Describes leadership or ownership."));
  if (count_marks(desc, scope_marks))
    json_array_append_new(insights, json_string("Quantifies impact (figures, money or reach)."));
  if (json_array_size(sk))
    json_array_append_new(insights, fmt_str("Uses %zu recognised skill(s).", json_array_size(sk)));
  if (bullets < 2)
    json_array_append_new(recs, json_string("Add two to four bullet points with concrete outcomes."));
  if (!count_marks(desc, scope_marks))
    json_array_append_new(recs, json_string("Quantify results (numbers, percentages, scale)."));
  if (!json_array_size(sk))
    json_array_append_new(recs, json_string("Name the tools and technologies used in this role."));
  const char *prog = "first_recorded_role";
  if (older) {
    enum level prev = level_of(str_or(older, "title", ""));
    prog = lv > prev ? "promotion" : lv == prev ? "lateral_move" : "step_back";
  }
  bool recent = json_is_true(json_object_get(e, "is_current")) ||
                (months_of(json_string_value(json_object_get(e, "end_date")), true) >= now - 36);
  const char *rel = recent && json_array_size(sk) >= 3 ? "high" : recent || json_array_size(sk) ? "medium" : "low";
  json_object_set_new(o, "path", json_string(path));
  json_object_set(o, "parsed_structure", e);
  json_object_set_new(o, "insights", insights);
  json_object_set_new(o, "skills_identified", sk);
  json_object_set_new(o, "recommendations", recs);
  json_object_set_new(o, "experience_level", json_string(level_names[lv]));
  json_object_set_new(o, "career_progression", json_string(prog));
  json_object_set_new(o, "market_relevance", json_string(rel));
  json_object_set_new(o, "confidence", json_real(0.5));
  return o;
}

static json_t *simple_enrichment(const cw_skills *skills, json_t *listed, json_t *e, const char *sec,
                                 size_t i) {
  json_t *o = json_object();
  char path[48];
  snprintf(path, sizeof path, "%s.%zu", sec, i);
  json_object_set_new(o, "path", json_string(path));
  json_object_set(o, "parsed_structure", e);
  json_object_set_new(o, "insights", json_array());
  json_object_set_new(o, "skills_identified", entry_skills(skills, e, listed));
  json_object_set_new(o, "recommendations", json_array());
  bool edu = strcmp(sec, "education") == 0;
  const char *deg = str_or(e, "degree", "");
  const char *lvl = !edu ? "n/a" : (has_word(deg, "phd") || has_word(deg, "doctor") || strcasestr(deg, "ph.d")) ? "doctorate"
                   : (strncasecmp(deg, "m", 1) == 0) ? "graduate" : "undergraduate";
  json_object_set_new(o, "experience_level", json_string(lvl));
  json_object_set_new(o, "career_progression", json_string(edu ? "education" : "project"));
  json_object_set_new(o, "market_relevance", json_string("medium"));
  json_object_set_new(o, "confidence", json_real(0.4));
  return o;
}

typedef struct {
  int years, roles, lead_titles, people_titles, lead_verbs, scope_marks, tech_skills, all_skills;
  enum level top;
  const char *name, *last_title, *last_company, *first_title;
  int first_year, last_year;
} evidence;

static int clamp(int v) { return v < 0 ? 0 : v > 100 ? 100 : v; }

static int cmp_int2(const void *a, const void *b) {
  const int *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Months covered by at least one role: overlapping roles count once. */
static int covered_months(json_t *work, int now) {
  size_t n = json_array_size(work), k = 0, i;
  int *iv = calloc(n ? n * 2 : 1, sizeof *iv);
  json_t *e;
  if (!iv) return 0;
  json_array_foreach(work, i, e) {
    int d = duration_months(e, now);
    if (!d) continue;
    iv[2 * k] = months_of(json_string_value(json_object_get(e, "start_date")), false);
    iv[2 * k + 1] = iv[2 * k] + d;
    k++;
  }
  qsort(iv, k, 2 * sizeof *iv, cmp_int2);
  int total = 0, cur_b = 0, cur_e = -1;
  for (i = 0; i < k; i++) {
    if (iv[2 * i] > cur_e) {
      total += cur_e > cur_b ? cur_e - cur_b : 0;
      cur_b = iv[2 * i];
      cur_e = iv[2 * i + 1];
    } else if (iv[2 * i + 1] > cur_e) {
      cur_e = iv[2 * i + 1];
    }
  }
  total += cur_e > cur_b ? cur_e - cur_b : 0;
  free(iv);
  return total;
}

static void gather(const json_t *doc, int now, evidence *ev) {
  memset(ev, 0, sizeof *ev);
  json_t *work = json_object_get(doc, "work_experience");
  size_t i;
  json_t *e;
  int months = 0;
  json_array_foreach(work, i, e) {
    months += duration_months(e, now);
    enum level lv = level_of(str_or(e, "title", ""));
    if (lv > ev->top) ev->top = lv;
    if (lv >= LV_LEAD) ev->lead_titles++;
    if (any_word(str_or(e, "title", ""), people_words)) ev->people_titles++;
    const char *desc = str_or(e, "description", "");
    ev->lead_verbs += count_marks(desc, lead_verbs);
    ev->scope_marks += count_marks(desc, scope_marks);
    ev->roles++;
    const char *s = json_string_value(json_object_get(e, "start_date"));
    int y = s ? atoi(s) : 0;
    if (y && (!ev->first_year || y < ev->first_year)) {
      ev->first_year = y;
      ev->first_title = str_or(e, "title", NULL);
    }
    if (y && y >= ev->last_year) {
      ev->last_year = y;
      ev->last_title = str_or(e, "title", NULL);
      ev->last_company = str_or(e, "company", NULL);
    }
  }
  if (!ev->last_title && json_array_size(work)) {
    ev->last_title = str_or(json_array_get(work, 0), "title", NULL);
    ev->last_company = str_or(json_array_get(work, 0), "company", NULL);
  }
  (void)months;
  ev->years = covered_months(work, now) / 12;
  json_t *skills = json_object_get(doc, "skills");
  json_array_foreach(skills, i, e) {
    const char *cat = str_or(e, "category", "");
    ev->all_skills++;
    if (!strcasestr(cat, "soft") && !strcasestr(cat, "business") && !strcasestr(cat, "language"))
      ev->tech_skills++;
  }
  ev->name = str_or(json_object_get(doc, "contact"), "name", NULL);
}

static json_t *career(const evidence *ev) {
  int lead = clamp(10 + ev->lead_titles * 20 + ev->lead_verbs * 8 + (ev->top == LV_EXEC ? 20 : 0));
  int scope = clamp(10 + ev->scope_marks * 8 + ev->years * 3 + (ev->top >= LV_LEAD ? 15 : 0));
  int depth = clamp(10 + ev->tech_skills * 4 + (ev->top == LV_SENIOR || ev->top == LV_LEAD ? 15 : 0));
  const char *arch, *persona;
  if (ev->top == LV_EXEC) arch = "Executive / Founder";
  else if (ev->top == LV_LEAD) arch = ev->people_titles ? "People Leader" : "Technical Lead";
  else if (ev->top == LV_ENTRY || ev->roles == 0) arch = "Early-Career Professional";
  else arch = depth >= 50 ? "Specialist Individual Contributor" : "Generalist Individual Contributor";
  persona = lead >= 60 ? "leader" : depth >= 60 ? "specialist" : scope >= 60 ? "operator" : "builder";
  json_t *o = json_object();
  json_object_set_new(o, "role_archetype", json_string(arch));
  json_object_set_new(o, "role_archetype_explanation",
                      fmt_str("Highest title level: %s, across %d role(s).", level_names[ev->top], ev->roles));
  json_object_set_new(o, "persona_type", json_string(persona));
  json_object_set_new(o, "persona_explanation",
                      fmt_str("Strongest of leadership %d, technical depth %d and scope %d.", lead, depth, scope));
  json_object_set_new(o, "leadership_score", json_integer(lead));
  json_object_set_new(o, "leadership_explanation",
                      fmt_str("%d leadership title(s), %d leadership verb(s) in descriptions.",
                              ev->lead_titles, ev->lead_verbs));
  json_object_set_new(o, "scope_score", json_integer(scope));
  json_object_set_new(o, "scope_explanation",
                      fmt_str("%d quantified-impact marker(s), about %d year(s) of experience.",
                              ev->scope_marks, ev->years));
  json_object_set_new(o, "technical_depth_score", json_integer(depth));
  json_object_set_new(o, "technical_depth_explanation",
                      fmt_str("%d technical skill(s) listed.", ev->tech_skills));
  json_object_set_new(o, "confidence", json_real(0.4));
  return o;
}

static json_t *narrative(const char *type, json_t *text, const char *why) {
  json_t *o = json_object();
  json_object_set_new(o, "narrative_type", json_string(type));
  json_object_set_new(o, "narrative_text", text);
  json_object_set_new(o, "narrative_explanation", json_string(why));
  json_object_set_new(o, "confidence", json_real(0.4));
  return o;
}

static void top_skills(const json_t *doc, char *buf, size_t cap) {
  json_t *skills = json_object_get(doc, "skills");
  size_t i, n = 0;
  json_t *e;
  buf[0] = 0;
  json_array_foreach(skills, i, e) {
    if (i >= 5) break;
    const char *s = str_or(e, "name", "");
    int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", s);
    if (w < 0 || (size_t)w >= cap - n) break;
    n += (size_t)w;
  }
}

static json_t *narratives(const json_t *doc, const evidence *ev) {
  char skills[256];
  top_skills(doc, skills, sizeof skills);
  const char *who = ev->name ? ev->name : "The candidate";
  json_t *arr = json_array();
  json_t *summary;
  if (ev->last_title)
    summary = fmt_str("%s has about %d year(s) of experience across %d role(s), most recently as %s%s%s.%s%s%s",
                      who, ev->years, ev->roles, ev->last_title, ev->last_company ? " at " : "",
                      ev->last_company ? ev->last_company : "", *skills ? " Core skills: " : "",
                      skills, *skills ? "." : "");
  else
    summary = fmt_str("%s has no recognised work history yet.%s%s%s", who,
                      *skills ? " Listed skills: " : "", skills, *skills ? "." : "");
  json_array_append_new(arr, narrative("career_summary", summary,
                                       "Template filled from the parsed roles, dates and skills."));
  json_array_append_new(
      arr, narrative("key_strengths",
                     fmt_str("Strengths suggested by the resume: %s%s%s%s.",
                             ev->lead_verbs || ev->lead_titles ? "leadership experience; " : "",
                             ev->scope_marks ? "quantified impact; " : "",
                             *skills ? "skills in " : "broad experience",
                             skills),
                     "Derived from leadership words, quantified results and the skills list."));
  json_t *growth;
  if (ev->first_title && ev->last_title && ev->first_year && ev->last_year > ev->first_year)
    growth = fmt_str("Progressed from %s (%d) to %s (%d).", ev->first_title, ev->first_year,
                     ev->last_title, ev->last_year);
  else
    growth = fmt_str("Current level: %s; not enough dated roles to describe a trajectory.",
                     level_names[ev->top]);
  json_array_append_new(arr, narrative("growth_trajectory", growth,
                                       "Compares the earliest and the latest dated roles."));
  return arr;
}

/* The role before entry i: the latest start date before its own, or (no
 * dates) the next entry, as resumes list the newest first. */
static json_t *previous_role(json_t *work, size_t i) {
  json_t *e = json_array_get(work, i), *best = NULL;
  int mine = months_of(json_string_value(json_object_get(e, "start_date")), false), best_m = -1;
  if (mine < 0) return json_array_get(work, i + 1);
  size_t j;
  json_t *o;
  json_array_foreach(work, j, o) {
    int m = months_of(json_string_value(json_object_get(o, "start_date")), false);
    if (j != i && m >= 0 && m < mine && m > best_m) {
      best = o;
      best_m = m;
    }
  }
  return best;
}

int cw_heuristic_enrich(const json_t *document, const char *document_date,
                        const cw_skills *skills, json_t **result) {
  if (!json_is_object(document) || !result) return -EINVAL;
  int now = today_months(document_date);
  json_t *entries = json_array();
  json_t *listed = json_object_get(document, "skills");
  json_t *work = json_object_get(document, "work_experience");
  size_t i;
  json_t *e;
  json_array_foreach(work, i, e) json_array_append_new(entries, work_enrichment(skills, listed, e, i, previous_role(work, i), now));
  json_array_foreach(json_object_get(document, "education"), i, e)
    json_array_append_new(entries, simple_enrichment(skills, listed, e, "education", i));
  json_array_foreach(json_object_get(document, "projects"), i, e)
    json_array_append_new(entries, simple_enrichment(skills, listed, e, "projects", i));
  evidence ev;
  gather(document, now, &ev);
  json_t *r = json_object();
  json_object_set_new(r, "source_type", json_string(CW_HEURISTIC_SOURCE));
  json_object_set_new(r, "model_version", json_string(CW_HEURISTIC_MODEL));
  json_object_set_new(r, "entries", entries);
  json_object_set_new(r, "career", career(&ev));
  json_object_set_new(r, "narratives", narratives(document, &ev));
  if (!json_object_get(r, "career") || !json_object_get(r, "narratives")) {
    json_decref(r);
    return -ENOMEM;
  }
  *result = r;
  return 0;
}
