/* Deterministic answers for the fake LLM: a deliberately simple line-based
 * reading of the resume text (headings, "Title at Company (dates)" lines,
 * bullets), and canned enrichments built from the entries the client sent.
 * It only has to be stable and schema-valid, not smart. */
#include "fake_llm.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *dupn(const char *s, size_t n) {
  while (n > 0 && isspace((unsigned char)*s)) {
    s++;
    n--;
  }
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  char *o = malloc(n + 1);
  memcpy(o, s, n);
  o[n] = '\0';
  return o;
}

static json_t *jstr_or_null(char *s) {
  if (!s || !*s) {
    free(s);
    return json_null();
  }
  json_t *j = json_string(s);
  free(s);
  return j ? j : json_null();
}

enum section { S_NONE, S_SUMMARY, S_WORK, S_EDU, S_SKILLS, S_PROJECTS, S_CERTS, S_LANGS };

static enum section heading(const char *line, size_t n) {
  char buf[64];
  size_t k = 0;
  for (size_t i = 0; i < n && k < sizeof buf - 1; i++) {
    char c = line[i];
    if (c == ':' || c == '#')
      continue;
    buf[k++] = (char)toupper((unsigned char)c);
  }
  buf[k] = '\0';
  char *b = buf;
  while (*b == ' ')
    b++;
  size_t bl = strlen(b);
  while (bl > 0 && b[bl - 1] == ' ')
    b[--bl] = '\0';
  static const struct { const char *t; enum section s; } map[] = {
      {"SUMMARY", S_SUMMARY},       {"PROFILE", S_SUMMARY},           {"EXPERIENCE", S_WORK},
      {"WORK EXPERIENCE", S_WORK},  {"PROFESSIONAL EXPERIENCE", S_WORK}, {"EMPLOYMENT", S_WORK},
      {"EMPLOYMENT HISTORY", S_WORK}, {"PROFESSIONAL SUMMARY", S_SUMMARY},
      {"EDUCATION", S_EDU},         {"SKILLS", S_SKILLS},             {"TECHNICAL SKILLS", S_SKILLS},
      {"PROJECTS", S_PROJECTS},     {"CERTIFICATIONS", S_CERTS},      {"CERTIFICATES", S_CERTS},
      {"LANGUAGES", S_LANGS},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(b, map[i].t) == 0)
      return map[i].s;
  return S_NONE;
}

static bool is_bullet(const char *l, size_t n, size_t *skip) {
  if (n >= 2 && (l[0] == '-' || l[0] == '*') && l[1] == ' ') {
    *skip = 2;
    return true;
  }
  if (n >= 4 && (unsigned char)l[0] == 0xE2 && (unsigned char)l[1] == 0x80 && (unsigned char)l[2] == 0xA2) {
    *skip = 3;
    return true;
  }
  return false;
}

/* First "YYYY" or "YYYY-MM" at or after p; returns pointer past it. */
static const char *find_date(const char *p, const char *end, char out[8]) {
  for (; p + 4 <= end; p++) {
    if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
        isdigit((unsigned char)p[3]) && (p == end - 4 || !isdigit((unsigned char)p[4])) &&
        (p[0] == '1' || p[0] == '2')) {
      memcpy(out, p, 4);
      out[4] = '\0';
      const char *q = p + 4;
      if (q + 3 <= end && (q[0] == '-' || q[0] == '/') && isdigit((unsigned char)q[1]) &&
          isdigit((unsigned char)q[2]) && (q + 3 == end || !isdigit((unsigned char)q[3]))) {
        out[4] = '-';
        out[5] = q[1];
        out[6] = q[2];
        out[7] = '\0';
        q += 3;
      }
      return q;
    }
  }
  return NULL;
}

static bool contains_ci(const char *s, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (strncasecmp(s + i, needle, k) == 0)
      return true;
  return false;
}

/* dates of a line: start, end, is_current, date_text (from the first year) */
static void line_dates(const char *l, size_t n, json_t *o) {
  char a[8], b[8];
  const char *end = l + n;
  const char *p = find_date(l, end, a);
  bool cur = contains_ci(l, n, "present") || contains_ci(l, n, "current");
  if (!p) {
    json_object_set_new(o, "start_date", json_null());
    json_object_set_new(o, "end_date", json_null());
    json_object_set_new(o, "date_text", json_null());
    json_object_set_new(o, "is_current", json_boolean(false));
    return;
  }
  const char *first = p - strlen(a);
  const char *q = find_date(p, end, b);
  json_object_set_new(o, "start_date", json_string(a));
  json_object_set_new(o, "end_date", (q && !cur) ? json_string(b) : json_null());
  json_object_set_new(o, "is_current", json_boolean(cur));
  const char *dt_end = end;
  while (dt_end > first && (dt_end[-1] == ')' || dt_end[-1] == ' '))
    dt_end--;
  json_object_set_new(o, "date_text", jstr_or_null(dupn(first, (size_t)(dt_end - first))));
}

/* text before the first of the stop characters / words */
static size_t span_until(const char *s, size_t n, const char *stops) {
  size_t i = 0;
  for (; i < n; i++) {
    if (strchr(stops, s[i]))
      break;
    if ((unsigned char)s[i] == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94))
      break; /* en/em dash */
    if (i + 3 <= n && isdigit((unsigned char)s[i]) && isdigit((unsigned char)s[i + 1]) &&
        isdigit((unsigned char)s[i + 2]) && i + 3 < n && isdigit((unsigned char)s[i + 3]))
      break;
  }
  return i;
}

static void append_desc(json_t *entry, const char *l, size_t n) {
  json_t *d = json_object_get(entry, "description");
  const char *old = json_is_string(d) ? json_string_value(d) : NULL;
  size_t ol = old ? strlen(old) : 0;
  char *nb = malloc(ol + n + 2);
  size_t k = 0;
  if (old) {
    memcpy(nb, old, ol);
    k = ol;
    nb[k++] = '\n';
  }
  memcpy(nb + k, l, n);
  nb[k + n] = '\0';
  json_object_set_new(entry, "description", json_string(nb));
  free(nb);
}

/* A job line, in one of three layouts: "Title at Company, Place (dates)";
 * "Title - Company, Place  dates" (or an em dash); "Company | Title |
 * Place | dates".  The last two need a date on the line, and their
 * separator before it (a date range has a dash too).  NULL for any other
 * line (a description). */
static json_t *work_entry(const char *l, size_t n) {
  const char *end = l + n, *title, *company, *rest;
  size_t tl, cl;
  char d[8];
  const char *past = find_date(l, end, d);
  size_t head = past ? (size_t)(past - strlen(d) - l) : 0;
  const char *at = memmem(l, n, " at ", 4);
  const char *dash = memmem(l, head, " - ", 3);
  size_t dash_len = 3;
  if (!dash) {
    dash = memmem(l, head, " \xE2\x80\x94 ", 5);
    dash_len = 5;
  }
  const char *pipe = memmem(l, head, " | ", 3);
  if (at || dash) {
    const char *sep = at ? at : dash;
    title = l;
    tl = (size_t)(sep - l);
    company = sep + (at ? 4 : dash_len);
    cl = span_until(company, (size_t)(end - company), ",(|");
    rest = company + cl;
  } else if (pipe) {
    company = l;
    cl = (size_t)(pipe - l);
    title = pipe + 3;
    tl = span_until(title, (size_t)(end - title), "|(");
    rest = title + tl;
  } else {
    return NULL;
  }
  json_t *o = json_object();
  json_object_set_new(o, "title", jstr_or_null(dupn(title, tl)));
  json_object_set_new(o, "company", jstr_or_null(dupn(company, cl)));
  if (rest < end && (*rest == ',' || *rest == '|')) {
    size_t ll = span_until(rest + 1, (size_t)(end - rest - 1), "(|");
    json_object_set_new(o, "location", jstr_or_null(dupn(rest + 1, ll)));
  } else {
    json_object_set_new(o, "location", json_null());
  }
  line_dates(l, n, o);
  json_object_set_new(o, "description", json_null());
  json_object_set_new(o, "confidence", json_real(0.9));
  return o;
}

json_t *fake_parse_answer(const char *text, size_t len, bool hallucinate) {
  json_t *contact = json_object();
  json_t *urls = json_array();
  json_t *work = json_array(), *edu = json_array(), *skills = json_array(), *projects = json_array(),
         *certs = json_array(), *langs = json_array();
  char *name = NULL, *email = NULL, *phone = NULL;
  json_t *summary_lines = json_array();
  json_t *cur_entry = NULL;
  enum section sec = S_NONE;
  const char *p = text, *end = text + len;
  int lineno = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    const char *l = p;
    size_t n = (size_t)(le - p);
    p = nl ? nl + 1 : end;
    while (n > 0 && isspace((unsigned char)*l)) {
      l++;
      n--;
    }
    while (n > 0 && isspace((unsigned char)l[n - 1]))
      n--;
    if (n == 0)
      continue;
    lineno++;
    if (memmem(l, n, "[[", 2)) {
      /* fault markers travel into the summary so later calls see them */
      json_array_append_new(summary_lines, jstr_or_null(dupn(l, n)));
      if (sec == S_WORK && cur_entry) /* and into the entry, for entry-stage faults */
        append_desc(cur_entry, l, n);
      continue;
    }
    if (!name) {
      name = dupn(l, n);
      continue;
    }
    /* contact tokens anywhere */
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j < n && !isspace((unsigned char)l[j]) && l[j] != '|' && l[j] != ',')
        j++;
      if (j > i) {
        const char *t = l + i;
        size_t tl = j - i;
        if (!email && memchr(t, '@', tl) && memchr(t, '.', tl))
          email = dupn(t, tl);
        else if ((tl > 8 && strncmp(t, "http", 4) == 0) || memmem(t, tl, "linkedin.com/", 13) ||
                 memmem(t, tl, "github.com/", 11))
          json_array_append_new(urls, jstr_or_null(dupn(t, tl)));
      }
      i = j + 1;
    }
    if (!phone && n > 7 && n < 40 && (l[0] == '+' || (l[0] == '(' && isdigit((unsigned char)l[1])))) {
      phone = dupn(l, n);
      continue;
    }
    if (!phone && strncasecmp(l, "phone:", 6) == 0) {
      phone = dupn(l + 6, n - 6);
      continue;
    }
    enum section h = heading(l, n);
    if (h != S_NONE) {
      sec = h;
      cur_entry = NULL;
      continue;
    }
    size_t skip = 0;
    bool bullet = is_bullet(l, n, &skip);
    switch (sec) {
    case S_SUMMARY:
      json_array_append_new(summary_lines, jstr_or_null(dupn(l, n)));
      break;
    case S_WORK: {
      json_t *job = bullet ? NULL : work_entry(l, n);
      if (job) {
        cur_entry = job;
        json_array_append_new(work, job);
      } else if (cur_entry) {
        append_desc(cur_entry, l + skip, n - skip);
      }
      break;
    }
    case S_EDU:
      if (!bullet) {
        cur_entry = json_object();
        size_t il = span_until(l, n, ",(|");
        json_object_set_new(cur_entry, "institution", jstr_or_null(dupn(l, il)));
        if (il < n && l[il] == ',') {
          size_t dl = span_until(l + il + 1, n - il - 1, "(|,");
          json_object_set_new(cur_entry, "degree", jstr_or_null(dupn(l + il + 1, dl)));
        } else
          json_object_set_new(cur_entry, "degree", json_null());
        json_object_set_new(cur_entry, "field_of_study", json_null());
        line_dates(l, n, cur_entry);
        json_object_set_new(cur_entry, "gpa", json_null());
        json_object_set_new(cur_entry, "confidence", json_real(0.9));
        json_array_append_new(edu, cur_entry);
      }
      break;
    case S_SKILLS: {
      const char *s = l + skip;
      size_t sn = n - skip;
      const char *colon = memchr(s, ':', sn);
      char *cat = NULL;
      if (colon) {
        cat = dupn(s, (size_t)(colon - s));
        sn -= (size_t)(colon + 1 - s);
        s = colon + 1;
      }
      size_t i = 0;
      while (i < sn) {
        size_t j = i;
        while (j < sn && s[j] != ',' && s[j] != ';' && s[j] != '|')
          j++;
        char *sk = dupn(s + i, j - i);
        if (*sk) {
          json_t *o = json_object();
          json_object_set_new(o, "name", json_string(sk));
          json_object_set_new(o, "category", cat ? json_string(cat) : json_null());
          json_object_set_new(o, "proficiency_level", json_null());
          json_object_set_new(o, "years_of_experience", json_null());
          json_array_append_new(skills, o);
        }
        free(sk);
        i = j + 1;
      }
      free(cat);
      break;
    }
    case S_PROJECTS:
      if (!bullet) {
        cur_entry = json_object();
        size_t pl = span_until(l, n, ":(|");
        json_object_set_new(cur_entry, "name", jstr_or_null(dupn(l, pl)));
        json_object_set_new(cur_entry, "role", json_null());
        json_object_set_new(cur_entry, "url", json_null());
        line_dates(l, n, cur_entry);
        json_object_set_new(cur_entry, "description", json_null());
        json_array_append_new(projects, cur_entry);
      } else if (cur_entry)
        append_desc(cur_entry, l + skip, n - skip);
      break;
    case S_CERTS: {
      const char *s = l + skip;
      size_t sn = n - skip;
      size_t cl = span_until(s, sn, ",(|");
      json_t *o = json_object();
      json_object_set_new(o, "name", jstr_or_null(dupn(s, cl)));
      if (json_is_null(json_object_get(o, "name")))
        json_object_set_new(o, "name", json_string("Certification"));
      if (cl < sn && s[cl] == ',') {
        size_t il = span_until(s + cl + 1, sn - cl - 1, "(|");
        json_object_set_new(o, "issuer", jstr_or_null(dupn(s + cl + 1, il)));
      } else
        json_object_set_new(o, "issuer", json_null());
      char d[8];
      json_object_set_new(o, "date", find_date(s, s + sn, d) ? json_string(d) : json_null());
      json_array_append_new(certs, o);
      break;
    }
    case S_LANGS: {
      size_t i = 0;
      while (i < n) {
        size_t j = i;
        while (j < n && l[j] != ',')
          j++;
        const char *paren = memchr(l + i, '(', j - i);
        json_t *o = json_object();
        char *nm = dupn(l + i, paren ? (size_t)(paren - l - i) : j - i);
        if (*nm) {
          json_object_set_new(o, "name", json_string(nm));
          if (paren) {
            const char *close = memchr(paren, ')', (size_t)(l + j - paren));
            json_object_set_new(o, "proficiency",
                                jstr_or_null(dupn(paren + 1, (size_t)((close ? close : l + j) - paren - 1))));
          } else
            json_object_set_new(o, "proficiency", json_null());
          json_array_append_new(langs, o);
        } else
          json_decref(o);
        free(nm);
        i = j + 1;
      }
      break;
    }
    case S_NONE:
      break;
    }
  }
  if (hallucinate) {
    json_t *o = json_object();
    json_object_set_new(o, "company", json_string("Initech Global Holdings"));
    json_object_set_new(o, "title", json_string("Chief Visionary Officer"));
    json_object_set_new(o, "location", json_null());
    json_object_set_new(o, "start_date", json_string("2010"));
    json_object_set_new(o, "end_date", json_string("2011"));
    json_object_set_new(o, "is_current", json_false());
    json_object_set_new(o, "date_text", json_string("2010 - 2011"));
    json_object_set_new(o, "description", json_null());
    json_object_set_new(o, "confidence", json_real(0.8));
    json_array_append_new(work, o);
  }
  json_object_set_new(contact, "name", jstr_or_null(name));
  json_object_set_new(contact, "headline", json_null());
  json_object_set_new(contact, "email", jstr_or_null(email));
  json_object_set_new(contact, "phone", jstr_or_null(phone));
  json_object_set_new(contact, "location", json_null());
  json_object_set_new(contact, "urls", urls);
  json_t *summary = json_null();
  if (json_array_size(summary_lines)) {
    size_t tot = 0, i;
    json_t *v;
    json_array_foreach(summary_lines, i, v) tot += strlen(json_string_value(v)) + 1;
    char *s = malloc(tot + 1);
    size_t k = 0;
    json_array_foreach(summary_lines, i, v) {
      size_t vl = strlen(json_string_value(v));
      memcpy(s + k, json_string_value(v), vl);
      k += vl;
      s[k++] = ' ';
    }
    s[k ? k - 1 : 0] = '\0';
    summary = json_string(s);
    free(s);
  }
  json_decref(summary_lines);
  json_t *doc = json_object();
  json_object_set_new(doc, "contact", contact);
  json_object_set_new(doc, "summary", summary ? summary : json_null());
  json_object_set_new(doc, "work_experience", work);
  json_object_set_new(doc, "education", edu);
  json_object_set_new(doc, "skills", skills);
  json_object_set_new(doc, "projects", projects);
  json_object_set_new(doc, "certifications", certs);
  json_object_set_new(doc, "languages", langs);
  return doc;
}

json_t *fake_entries_answer(json_t *entries) {
  json_t *out = json_array();
  size_t i;
  json_t *e;
  json_array_foreach(entries, i, e) {
    const char *path = json_string_value(json_object_get(e, "path"));
    if (!path)
      continue;
    json_t *entry = json_object_get(e, "entry");
    const char *title = json_string_value(json_object_get(entry, "title"));
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(path));
    char buf[512];
    snprintf(buf, sizeof buf, "Entry %s%s%s", path, title ? ": " : "", title ? title : "");
    json_object_set_new(o, "insights", json_pack("[s]", buf));
    json_object_set_new(o, "skills_identified", json_pack("[s]", "communication"));
    json_object_set_new(o, "recommendations", json_pack("[s]", "Quantify the impact with numbers."));
    json_object_set_new(o, "experience_level", json_string(i == 0 ? "senior" : "mid"));
    json_object_set_new(o, "career_progression", json_string("Consistent with the rest of the career."));
    json_object_set_new(o, "market_relevance", json_string("high"));
    json_object_set_new(o, "confidence", json_real(0.8));
    json_array_append_new(out, o);
  }
  return json_pack("{s:o}", "entries", out);
}

json_t *fake_career_answer(json_t *doc) {
  size_t nwork = json_array_size(json_object_get(doc, "work_experience"));
  int lead = (int)(nwork * 20 > 100 ? 100 : nwork * 20);
  json_t *career = json_pack(
      "{s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:i,s:s,s:f}", "role_archetype", "Individual Contributor",
      "role_archetype_explanation", "Hands-on roles throughout.", "persona_type", "Builder", "persona_explanation",
      "Builds and ships systems.", "leadership_score", lead, "leadership_explanation", "Based on the number of roles.",
      "scope_score", 50, "scope_explanation", "Team-level scope.", "technical_depth_score", 70,
      "technical_depth_explanation", "Technical roles.", "confidence", 0.7);
  json_t *narr = json_array();
  static const char *types[] = {"career_summary", "key_strengths", "growth_trajectory"};
  for (int i = 0; i < 3; i++)
    json_array_append_new(narr, json_pack("{s:s,s:s,s:s,s:f}", "narrative_type", types[i], "narrative_text",
                                          "A steady career with growing responsibility.", "narrative_explanation",
                                          "Derived from the entries.", "confidence", 0.7));
  return json_pack("{s:o,s:o}", "career", career, "narratives", narr);
}
