/* Section headings: the common English variants plus German, French and
 * Spanish ones.  A heading is a short line that is one of these phrases, or
 * a short line whose last word is one of the head nouns below. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lines.h"
#include "levels.h"
#include "sections.h"
#include "words.h"

struct heading { const char *text; enum cw__sec kind; };

static const struct heading phrases[] = {
    /* work */
    {"experience", SEC_WORK}, {"work experience", SEC_WORK},
    {"professional experience", SEC_WORK}, {"employment", SEC_WORK},
    {"employment history", SEC_WORK}, {"work history", SEC_WORK},
    {"career history", SEC_WORK}, {"professional background", SEC_WORK},
    {"relevant experience", SEC_WORK}, {"experience & internships", SEC_WORK},
    {"internships", SEC_WORK}, {"research experience", SEC_WORK},
    {"industry experience", SEC_WORK}, {"technical experience", SEC_WORK},
    {"professional history", SEC_WORK}, {"career", SEC_WORK}, {"positions", SEC_WORK},
    {"berufserfahrung", SEC_WORK}, {"berufliche erfahrung", SEC_WORK},
    {"beruflicher werdegang", SEC_WORK}, {"praxiserfahrung", SEC_WORK},
    {"werdegang", SEC_WORK}, {"expérience professionnelle", SEC_WORK},
    {"expériences professionnelles", SEC_WORK}, {"expérience", SEC_WORK},
    {"expériences", SEC_WORK}, {"experiencia", SEC_WORK}, {"experiencia laboral", SEC_WORK},
    {"experiencia profesional", SEC_WORK}, {"work", SEC_WORK}, {"doświadczenie", SEC_WORK},
    {"doświadczenie zawodowe", SEC_WORK}, {"esperienza", SEC_WORK},
    {"esperienze lavorative", SEC_WORK}, {"esperienza professionale", SEC_WORK},
    {"experiência", SEC_WORK}, {"experiência profissional", SEC_WORK},
    {"berufspraxis", SEC_WORK}, {"berufliche laufbahn", SEC_WORK}, {"berufliche stationen", SEC_WORK},
    {"praktische erfahrung", SEC_WORK}, {"arbeitserfahrung", SEC_WORK}, {"praktika", SEC_WORK},
    {"parcours professionnel", SEC_WORK}, {"stages", SEC_WORK}, {"trayectoria profesional", SEC_WORK},
    {"historial laboral", SEC_WORK},
    /* education */
    {"education", SEC_EDUCATION}, {"academic background", SEC_EDUCATION},
    {"education history", SEC_EDUCATION}, {"educational background", SEC_EDUCATION},
    {"summary of qualifications", SEC_SUMMARY}, {"skills summary", SEC_SKILLS},
    {"volunteer history", SEC_OTHER}, {"military service", SEC_WORK},
    {"education & training", SEC_EDUCATION}, {"education and training", SEC_EDUCATION},
    {"academic qualifications", SEC_EDUCATION}, {"qualifications", SEC_EDUCATION},
    {"academic history", SEC_EDUCATION}, {"studies", SEC_EDUCATION},
    {"education & certifications", SEC_EDUCATION}, {"ausbildung", SEC_EDUCATION},
    {"bildung", SEC_EDUCATION}, {"bildungsweg", SEC_EDUCATION}, {"studium", SEC_EDUCATION},
    {"schulbildung", SEC_EDUCATION}, {"formation", SEC_EDUCATION},
    {"études", SEC_EDUCATION}, {"parcours académique", SEC_EDUCATION},
    {"educación", SEC_EDUCATION}, {"formación", SEC_EDUCATION},
    {"formación académica", SEC_EDUCATION}, {"estudios", SEC_EDUCATION},
    {"wykształcenie", SEC_EDUCATION}, {"edukacja", SEC_EDUCATION}, {"istruzione", SEC_EDUCATION},
    {"formazione", SEC_EDUCATION}, {"formação", SEC_EDUCATION}, {"educação", SEC_EDUCATION},
    {"akademische ausbildung", SEC_EDUCATION}, {"hochschulbildung", SEC_EDUCATION},
    {"schulische ausbildung", SEC_EDUCATION}, {"formations", SEC_EDUCATION},
    {"formation académique", SEC_EDUCATION}, {"diplômes", SEC_EDUCATION},
    {"diplômes & formations", SEC_EDUCATION}, {"formation & diplômes", SEC_EDUCATION},
    {"estudios académicos", SEC_EDUCATION}, {"educación & formación", SEC_EDUCATION},
    /* skills */
    {"skills", SEC_SKILLS}, {"technical skills", SEC_SKILLS}, {"core competencies", SEC_SKILLS},
    {"competencies", SEC_SKILLS}, {"technologies", SEC_SKILLS}, {"tech stack", SEC_SKILLS},
    {"key skills", SEC_SKILLS}, {"expertise", SEC_SKILLS}, {"skills & tools", SEC_SKILLS},
    {"areas of expertise", SEC_SKILLS}, {"skills & expertise", SEC_SKILLS},
    {"skills and expertise", SEC_SKILLS}, {"tools & technologies", SEC_SKILLS},
    {"technical proficiencies", SEC_SKILLS}, {"skills & interests", SEC_SKILLS},
    {"kenntnisse", SEC_SKILLS}, {"fähigkeiten", SEC_SKILLS}, {"it-kenntnisse", SEC_SKILLS},
    {"kompetenzen", SEC_SKILLS}, {"fachkenntnisse", SEC_SKILLS}, {"compétences", SEC_SKILLS},
    {"compétences techniques", SEC_SKILLS}, {"habilidades", SEC_SKILLS},
    {"competencias", SEC_SKILLS}, {"conocimientos", SEC_SKILLS}, {"umiejętności", SEC_SKILLS},
    {"competenze", SEC_SKILLS}, {"competências", SEC_SKILLS},
    {"technische kenntnisse", SEC_SKILLS}, {"edv-kenntnisse", SEC_SKILLS},
    {"it-kompetenzen", SEC_SKILLS}, {"fachliche kompetenzen", SEC_SKILLS}, {"compétences clés", SEC_SKILLS},
    {"aptitudes", SEC_SKILLS}, {"habilidades técnicas", SEC_SKILLS}, {"competencias técnicas", SEC_SKILLS},
    {"conocimientos técnicos", SEC_SKILLS},
    /* summary */
    {"summary", SEC_SUMMARY}, {"profile", SEC_SUMMARY}, {"professional summary", SEC_SUMMARY},
    {"about", SEC_SUMMARY}, {"about me", SEC_SUMMARY}, {"objective", SEC_SUMMARY},
    {"career objective", SEC_SUMMARY}, {"overview", SEC_SUMMARY},
    {"professional profile", SEC_SUMMARY}, {"career summary", SEC_SUMMARY},
    {"executive summary", SEC_SUMMARY}, {"personal statement", SEC_SUMMARY},
    {"profil", SEC_SUMMARY}, {"zusammenfassung", SEC_SUMMARY}, {"kurzprofil", SEC_SUMMARY},
    {"über mich", SEC_SUMMARY}, {"à propos", SEC_SUMMARY}, {"perfil", SEC_SUMMARY},
    {"resumen", SEC_SUMMARY}, {"sobre mí", SEC_SUMMARY}, {"perfil profesional", SEC_SUMMARY},
    {"profil professionnel", SEC_SUMMARY}, {"persönliches profil", SEC_SUMMARY},
    {"acerca de mí", SEC_SUMMARY},
    /* projects */
    {"projects", SEC_PROJECTS}, {"personal projects", SEC_PROJECTS},
    {"selected projects", SEC_PROJECTS}, {"side projects", SEC_PROJECTS},
    {"open source", SEC_PROJECTS}, {"key projects", SEC_PROJECTS},
    {"academic projects", SEC_PROJECTS}, {"projekte", SEC_PROJECTS}, {"projets", SEC_PROJECTS},
    {"proyectos", SEC_PROJECTS},
    {"projets personnels", SEC_PROJECTS}, {"proyectos personales", SEC_PROJECTS},
    /* certifications */
    {"certifications", SEC_CERTS}, {"certificates", SEC_CERTS},
    {"licenses & certifications", SEC_CERTS}, {"licenses and certifications", SEC_CERTS},
    {"certifications & licenses", SEC_CERTS}, {"licenses", SEC_CERTS},
    {"zertifikate", SEC_CERTS}, {"zertifizierungen", SEC_CERTS},
    {"certificaciones", SEC_CERTS}, {"certificados", SEC_CERTS},
    /* languages */
    {"languages", SEC_LANGUAGES}, {"spoken languages", SEC_LANGUAGES},
    {"language skills", SEC_LANGUAGES}, {"sprachen", SEC_LANGUAGES},
    {"sprachkenntnisse", SEC_LANGUAGES}, {"langues", SEC_LANGUAGES}, {"idiomas", SEC_LANGUAGES},
    {"fremdsprachen", SEC_LANGUAGES}, {"lenguas", SEC_LANGUAGES},
    {"compétences linguistiques", SEC_LANGUAGES},
    /* contact */
    {"contact", SEC_CONTACT}, {"contact information", SEC_CONTACT},
    {"contact details", SEC_CONTACT}, {"personal details", SEC_CONTACT},
    {"personal information", SEC_CONTACT}, {"kontakt", SEC_CONTACT},
    {"persönliche daten", SEC_CONTACT}, {"links", SEC_CONTACT}, {"profiles", SEC_CONTACT},
    /* everything else we recognise but do not parse */
    {"volunteering", SEC_OTHER}, {"volunteer", SEC_OTHER}, {"volunteer experience", SEC_OTHER},
    {"volunteer work", SEC_OTHER}, {"awards", SEC_OTHER}, {"honors", SEC_OTHER},
    {"honours", SEC_OTHER}, {"awards & honors", SEC_OTHER}, {"honors & awards", SEC_OTHER},
    {"awards & recognition", SEC_OTHER}, {"achievements", SEC_OTHER},
    {"publications", SEC_OTHER}, {"interests", SEC_OTHER}, {"hobbies", SEC_OTHER},
    {"references", SEC_OTHER}, {"patents", SEC_OTHER}, {"talks", SEC_OTHER},
    {"invited talks", SEC_OTHER}, {"presentations", SEC_OTHER}, {"activities", SEC_OTHER},
    {"extracurricular activities", SEC_OTHER}, {"leadership", SEC_OTHER},
    {"memberships", SEC_OTHER}, {"affiliations", SEC_OTHER}, {"courses", SEC_OTHER},
    {"coursework", SEC_OTHER}, {"relevant coursework", SEC_OTHER},
    {"additional information", SEC_OTHER}, {"miscellaneous", SEC_OTHER},
    {"ehrenamt", SEC_OTHER}, {"interessen", SEC_OTHER}, {"hobbys", SEC_OTHER},
    {"auszeichnungen", SEC_OTHER}, {"publikationen", SEC_OTHER},
    {"centres d'intérêt", SEC_OTHER}, {"bénévolat", SEC_OTHER}, {"intereses", SEC_OTHER},
    {"voluntariado", SEC_OTHER}, {"premios", SEC_OTHER},
    {"loisirs", SEC_OTHER}, {"aficiones", SEC_OTHER}, {"publicaciones", SEC_OTHER},
    {"freizeit", SEC_OTHER}, {"referenzen", SEC_OTHER}, {"références", SEC_OTHER},
    {"referencias", SEC_OTHER}, {"distinctions", SEC_OTHER}, {"mitgliedschaften", SEC_OTHER},
    {NULL, SEC_NONE}};

/* Head nouns: "Selected Honors", "Relevant Work Experience", ... */
static const struct heading nouns[] = {
    {"experience", SEC_WORK}, {"experiences", SEC_WORK}, {"employment", SEC_WORK},
    {"history", SEC_WORK}, {"internships", SEC_WORK}, {"education", SEC_EDUCATION},
    {"abilities", SEC_SKILLS}, {"proficiencies", SEC_SKILLS}, {"proficiency", SEC_SKILLS},
    {"tools", SEC_SKILLS},
    {"expertise", SEC_SKILLS}, {"objective", SEC_SUMMARY}, {"licenses", SEC_CERTS},
    {"credentials", SEC_CERTS}, {"hobbies", SEC_OTHER}, {"affiliations", SEC_OTHER},
    {"memberships", SEC_OTHER}, {"volunteer", SEC_OTHER}, {"publications", SEC_OTHER},
    {"skills", SEC_SKILLS}, {"competencies", SEC_SKILLS}, {"technologies", SEC_SKILLS},
    {"summary", SEC_SUMMARY}, {"profile", SEC_SUMMARY}, {"projects", SEC_PROJECTS},
    {"certifications", SEC_CERTS}, {"certificates", SEC_CERTS}, {"languages", SEC_LANGUAGES},
    {"honors", SEC_OTHER}, {"honours", SEC_OTHER}, {"awards", SEC_OTHER},
    {"publications", SEC_OTHER}, {"talks", SEC_OTHER}, {"patents", SEC_OTHER},
    {"interests", SEC_OTHER}, {"activities", SEC_OTHER}, {"volunteering", SEC_OTHER},
    {"references", SEC_OTHER}, {"achievements", SEC_OTHER}, {"coursework", SEC_OTHER},
    {NULL, SEC_NONE}};

/* Lower-cases ASCII, drops markdown marks and a trailing colon, collapses
 * spaces, turns " and " into " & ".  Returns false if too long. */
static bool fold(const char *s, size_t n, char *out, size_t cap) {
  while (n && (*s == '#' || *s == '*' || *s == '_' || *s == '=' || isspace((unsigned char)*s)))
    s++, n--;
  while (n && (s[n - 1] == '*' || s[n - 1] == '_' || s[n - 1] == ':' || s[n - 1] == '=' ||
               isspace((unsigned char)s[n - 1])))
    n--;
  if (n == 0 || n >= cap) return false;
  size_t o = 0;
  bool space = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isspace(c)) {
      space = true;
      continue;
    }
    if (space && o) out[o++] = ' ';
    space = false;
    if (o + 2 >= cap) return false;
    out[o++] = (char)tolower(c);
  }
  out[o] = 0;
  /* Letter-spaced headings: "E X P E R I E N C E" -> "experience". */
  if (o >= 7) {
    bool spaced = true;
    for (size_t i = 1; i < o; i += 2)
      if (out[i] != ' ' || out[i - 1] == ' ') spaced = false;
    if (spaced) {
      size_t w = 0;
      for (size_t i = 0; i < o; i += 2) out[w++] = out[i];
      out[w] = 0;
    }
  }
  /* "education and training" -> "education & training" */
  char *a = strstr(out, " and ");
  if (a) {
    a[1] = '&';
    memmove(a + 2, a + 4, strlen(a + 4) + 1);
  }
  /* tolower() leaves UTF-8 alone: fold the Latin-1 capitals (À..Þ except ×),
   * "FORMACIÓN ACADÉMICA" -> "formación académica". */
  for (size_t i = 0; i + 1 < o; i++) {
    unsigned char a = (unsigned char)out[i], b = (unsigned char)out[i + 1];
    if (a == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97) out[i + 1] = (char)(b + 0x20);
  }
  return true;
}

/* "Projects Experience", "Volunteer Experience", "Publications History":
 * a word before the head noun that names a section we do not read as work
 * decides the kind.  f: the folded heading, last: its last word. */
static enum cw__sec modifier_kind(const char *f, const char *last, enum cw__sec kind) {
  if (kind != SEC_WORK) return kind;
  for (const char *w = f; w < last;) {
    size_t n = strcspn(w, " ");
    if (n == 7 && strncmp(w, "project", 7) == 0) return SEC_PROJECTS;
    for (int i = 0; nouns[i].text; i++)
      if (strlen(nouns[i].text) == n && strncmp(w, nouns[i].text, n) == 0 &&
          (nouns[i].kind == SEC_PROJECTS || nouns[i].kind == SEC_OTHER))
        return nouns[i].kind;
    w += n + (w[n] == ' ');
  }
  return kind;
}

enum cw__sec cw__heading_kind(const char *s, size_t n, bool strict) {
  char f[80];
  if (n > 60 || !fold(s, n, f, sizeof f)) return SEC_NONE;
  for (int i = 0; phrases[i].text; i++)
    if (strcmp(f, phrases[i].text) == 0) return phrases[i].kind;
  if (strict) return SEC_NONE;
  /* "software tools" ending a wrapped sentence is no heading. */
  while (n && !isalpha((unsigned char)*s) && (unsigned char)*s < 0x80) s++, n--;
  if (n && islower((unsigned char)*s)) return SEC_NONE;
  /* Up to four words, no digits, ends in a head noun. */
  int words = 1;
  for (char *p = f; *p; p++) {
    if (isdigit((unsigned char)*p) || *p == '@' || *p == ',' || *p == '.') return SEC_NONE;
    words += *p == ' ';
  }
  if (words > 4) return SEC_NONE;
  const char *last = strrchr(f, ' ');
  last = last ? last + 1 : f;
  for (int i = 0; nouns[i].text; i++)
    if (strcmp(last, nouns[i].text) == 0) return modifier_kind(f, last, nouns[i].kind);
  return SEC_NONE;
}

/* ---- marking the document's headings ----------------------------------- */

static bool all_caps(const char *s, size_t n, int *letters) {
  bool caps = true;
  *letters = 0;
  for (size_t j = 0; j < n; j++) {
    unsigned char c = (unsigned char)s[j];
    if (islower(c) || isdigit(c)) caps = false;
    if (isupper(c)) (*letters)++;
  }
  return caps && *letters > 0;
}

/* An ALL-CAPS employer ("BETA INDUSTRIES", "GLOBEX" followed by a dated
 * role) rather than the heading of an unknown section. */
static bool entry_like(cw__doc *d, int i) {
  const cw__line *l = &d->lines[i];
  if (cw__score_words(l->text, l->len, W_COMPANY) || cw__score_words(l->text, l->len, W_INST) ||
      cw__score_words(l->text, l->len, W_TITLE))
    return true;
  for (int j = i + 1, seen = 0; j < d->nlines && seen < 3; j++) {
    if (!d->lines[j].len) continue;
    seen++;
    cw_date_range r;
    if (cw_dates_find_in(d->lines[j].text, d->lines[j].len, d->date_order, &r) == 0 && r.is_range) return true;
  }
  return false;
}

/* The first item of a list names a spoken language ("English, German"
 * rather than "Python, C++"). */
static bool spoken_language(const char *s) {
  static const char *const names[] = {
      "english", "german", "french", "spanish", "italian", "portuguese", "dutch", "polish",
      "russian", "ukrainian", "chinese", "mandarin", "cantonese", "japanese", "korean", "hindi",
      "arabic", "turkish", "swedish", "norwegian", "danish", "finnish", "greek", "hebrew",
      "czech", "hungarian", "romanian", "bulgarian", "croatian", "serbian", "vietnamese",
      "thai", "indonesian", "malay", "tagalog", "swahili", "persian", "farsi", "urdu", "bengali",
      "tamil", "telugu", "punjabi", "catalan", "basque", "irish", "welsh", "yoruba", "igbo",
      "deutsch", "englisch", "französisch", "spanisch", "anglais", "allemand", "espagnol",
      "français", "inglés", "alemán", "francés", "español", NULL};
  size_t n = 0;
  while (s[n] && (isalpha((unsigned char)s[n]) || (unsigned char)s[n] >= 0x80)) n++;
  return cw__in_list(names, s, n);
}

/* The first words of what follows line i (the rest of its row from cell
 * `cell` on, then the next lines), skipping blank lines and proficiency
 * levels ("various", "7 years"): NULL when nothing follows within a few. */
static const char *content_after(const cw__doc *d, int i, int cell) {
  const cw__line *l = &d->lines[i];
  for (int c = cell; c < l->ncells; c++)
    if (!cw__is_level(l->text + l->cell_b[c], l->cell_e[c] - l->cell_b[c])) return l->text + l->cell_b[c];
  for (int j = i + 1, seen = 0; j < d->nlines && seen < 3; j++) {
    const cw__line *n = &d->lines[j];
    if (!n->len) continue;
    seen++;
    if (!cw__is_level(n->text, n->len)) return n->text;
  }
  return NULL;
}

/* Inside a skills section a heading of the same kind ("Additional Skills",
 * "Tools") names a group of skills, and so does "Languages" or
 * "Programming Languages" unless spoken languages follow it ("English,
 * German" rather than "Python, Go"). */
static bool skills_group(const cw__doc *d, int i, int cell, enum cw__sec k, enum cw__sec cur) {
  if (cur != SEC_SKILLS) return false;
  if (k == SEC_SKILLS) return true;
  if (k != SEC_LANGUAGES) return false;
  const char *next = content_after(d, i, cell);
  return next && !spoken_language(next);
}

/* Line i looks like a skill group's name with its level on the next line
 * ("Web Development" / "Intermediate"): short, no digits or contacts. */
static int group_with_level(const cw__doc *d, int i) {
  const cw__line *l = &d->lines[i];
  if (l->bullet || l->ncells != 1 || !l->len || l->len > 60 || cw__word_count(l->text, l->len) > 6 ||
      cw__is_level(l->text, l->len))
    return -1;
  for (size_t k = 0; k < l->len; k++)
    if (isdigit((unsigned char)l->text[k]) || strchr("@:,|/.", l->text[k])) return -1;
  for (int j = i + 1, blanks = 0; j < d->nlines && blanks <= 1; j++) {
    const cw__line *n = &d->lines[j];
    if (!n->len) {
      blanks++;
      continue;
    }
    return n->ncells == 1 && cw__is_level(n->text, n->len) ? j : -1;
  }
  return -1;
}

static bool named_entry(cw__doc *d, int i) {
  const cw__line *l = &d->lines[i];
  return cw__score_words(l->text, l->len, W_TITLE) || cw__score_words(l->text, l->len, W_COMPANY) ||
         cw__score_words(l->text, l->len, W_INST);
}

/* The line after a run of sidebar groups starting at i ("name / level /
 * rows", blank lines between; a name may wrap onto a second line). */
static int groups_end(const cw__doc *d, int i) {
  int j = i;
  while (j < d->nlines) {
    int lvl = group_with_level(d, j);
    if (lvl < 0 && j + 1 < d->nlines && d->lines[j + 1].len) lvl = group_with_level(d, j + 1);
    if (lvl < 0) return j;
    int k = lvl + 1;
    while (k < d->nlines && d->lines[k].len) k++;
    while (k < d->nlines && !d->lines[k].len) k++;
    j = k;
  }
  return j;
}

/* Skill groups with levels in a sidebar, under no skills heading ("Web
 * Development" / "Intermediate" / "HTML CSS", then "Databases" / "Expert"
 * / ...): two such groups within a few lines open a skills section at the
 * first one. */
static bool unheaded_skills(cw__doc *d, int i, enum cw__sec cur) {
  int lvl = group_with_level(d, i);
  if (lvl < 0) return false;
  /* Inside another section (the sidebar printed after a page's main
   * column) the names must not read as roles or employers. */
  bool strict = cur != SEC_NONE && cur != SEC_CONTACT;
  if (strict && named_entry(d, i)) return false;
  for (int j = lvl + 2; j < d->nlines && j < lvl + 16; j++) {
    if (d->lines[j].heading != SEC_NONE) return false;
    if (group_with_level(d, j) >= 0) return !strict || !named_entry(d, j);
  }
  return false;
}

/* "Skills: Python, Go" or "Languages: English, German" as one line: a
 * heading with its content.  "Languages:" inside a skills section is a
 * category of programming languages, not a heading. */
static bool inline_heading(cw__doc *d, cw__line *l, enum cw__sec cur) {
  (void)d;
  const char *colon = memchr(l->text, ':', l->len);
  if (!colon || colon == l->text || (size_t)(colon - l->text) > 40) return false;
  enum cw__sec k = cw__heading_kind(l->text, (size_t)(colon - l->text), true);
  if (k != SEC_SKILLS && k != SEC_LANGUAGES && k != SEC_CERTS) return false;
  const char *rest = colon + 1;
  while (*rest == ' ') rest++;
  if (!*rest || k == cur) return false;
  if (cur == SEC_SKILLS && !(k == SEC_LANGUAGES && spoken_language(rest))) return false;
  l->heading = k;
  l->inline_content = true;
  l->len -= (size_t)(rest - l->text);
  l->text = (char *)rest;
  l->ncells = 1;
  l->cell_b[0] = 0;
  l->cell_e[0] = l->len;
  return true;
}

/* A heading in a label column: "Work   Acme Corp   Jan 2019 - Present" (a
 * grid whose first column names the section, printed on the section's first
 * row).  The line becomes the heading and keeps the row's other cells as
 * its content. */
static bool grid_heading(cw__doc *d, int i, enum cw__sec cur) {
  cw__line *l = &d->lines[i];
  size_t n = l->cell_e[0] - l->cell_b[0];
  enum cw__sec k = cw__heading_kind(l->text + l->cell_b[0], n, true);
  if (k == SEC_NONE || k == SEC_CONTACT || skills_group(d, i, 1, k, cur)) return false;
  l->heading = k;
  l->inline_content = true;
  size_t skip = l->cell_b[1];
  l->text += skip;
  l->len -= skip;
  cw__split_cells(l);
  return true;
}

/* The same label on several lines ("HIGHLIGHTS" in every entry) marks a
 * part of each entry, not a section of the document. */
static bool repeated(const cw__doc *d, int i) {
  const cw__line *l = &d->lines[i];
  for (int j = 0; j < d->nlines; j++)
    if (j != i && d->lines[j].len == l->len && memcmp(d->lines[j].text, l->text, l->len) == 0)
      return true;
  return false;
}

/* "HTML" or "SQL SERVER" on a line of its own in a skills list is a skill,
 * not the heading of an unknown section: a dictionary skill, or one short
 * word (unknown headings are longer: "VOLUNTEERING", "OTHER WORK"). */
static bool caps_skill(const cw__doc *d, const cw__line *l, int letters) {
  const char *canon, *cat;
  if (d->h->skills && cw_skills_lookup(d->h->skills, l->text, l->len, &canon, &cat)) return true;
  return letters < 6 && cw__word_count(l->text, l->len) == 1;
}

/* "Brightwave Technologies" inside a work section names an employer, not a
 * section: a heading found only by its last word, when that word is also an
 * organisation word. */
static bool org_not_heading(const cw__line *l) {
  if (cw__heading_kind(l->text, l->len, true) != SEC_NONE) return false;
  size_t n = l->len;
  while (n && (l->text[n - 1] == ' ' || l->text[n - 1] == ':')) n--;
  size_t b = n;
  while (b && l->text[b - 1] != ' ') b--;
  return b > 0 && cw__word_in(l->text + b, n - b, W_COMPANY);
}

/* "Courses", "Coursework": the heading of an education entry's course list. */
static bool course_list(const cw__line *l) {
  static const char *const names[] = {"courses", "coursework", "relevant coursework", "relevant courses",
                                      "kurse", "cours", "cursos", "corsi", "kursy", NULL};
  char f[64];
  if (!fold(l->text, l->len, f, sizeof f)) return false;
  for (int i = 0; names[i]; i++)
    if (strcmp(f, names[i]) == 0) return true;
  return false;
}

/* Line i names a degree or a school. */
static bool degree_or_school(const cw__doc *d, int i) {
  if (i < 0 || i >= d->nlines || !d->lines[i].len) return false;
  const cw__line *l = &d->lines[i];
  return cw__starts_with_degree(l->text, l->len) || cw__score_words(l->text, l->len, W_INST) > 0;
}

/* "Bachelor of Arts" / "Education" / "Eastfield State University": inside an
 * education section that already holds entries, "Education" right next to
 * a degree or a school is a teacher's field of study, not the heading again. */
static bool field_named_education(const cw__doc *d, int i, int heading_at) {
  bool body = false;
  for (int j = heading_at + 1; j < i && !body; j++) body = d->lines[j].len > 0;
  return body && (degree_or_school(d, i - 1) || degree_or_school(d, i + 1));
}

void cw__mark_headings(cw__doc *d) {
  bool seen = false, caps_style = false;
  enum cw__sec cur = SEC_NONE, resume = SEC_NONE, back = SEC_NONE;
  int cur_at = -1; /* the line of the last heading */
  int back_at = -1; /* where the section interrupted by sidebar groups resumes */
  /* Unknown ALL-CAPS lines count as headings only in documents whose known
   * headings are ALL-CAPS too ("EXPERIENCE"); elsewhere "BS" or "NVIDIA" on
   * a line of its own is content. */
  for (int i = 0; i < d->nlines && !caps_style; i++) {
    cw__line *l = &d->lines[i];
    int letters;
    if (!l->bullet && l->ncells == 1 && l->len && cw__heading_kind(l->text, l->len, true) != SEC_NONE &&
        all_caps(l->text, l->len, &letters))
      caps_style = true;
  }
  for (int i = 0; i < d->nlines; i++) {
    cw__line *l = &d->lines[i];
    if (!l->len) continue;
    if (cw__re_find(d->h, RE_FOOTER, l->text, l->len, NULL, NULL)) {
      l->len = 0; /* page footers/numbers carry nothing, nor do their cells */
      l->ncells = 0;
      l->text[0] = 0;
      continue;
    }
    if (!l->bullet && l->ncells > 1 && grid_heading(d, i, cur)) {
      cur = l->heading;
      seen = true;
      resume = SEC_NONE;
      continue;
    }
    if (l->bullet || l->ncells > 1) continue;
    enum cw__sec k = cw__heading_kind(l->text, l->len, false);
    if (k != SEC_NONE && (cur == SEC_WORK || cur == SEC_EDUCATION) && org_not_heading(l))
      k = SEC_NONE;
    /* "Continuing Education" inside the education section: a programme */
    if (k == SEC_EDUCATION && cur == SEC_EDUCATION && cw__heading_kind(l->text, l->len, true) == SEC_NONE)
      k = SEC_NONE;
    if (k == SEC_EDUCATION && cur == SEC_EDUCATION && field_named_education(d, i, cur_at)) k = SEC_NONE;
    if (k != SEC_NONE && skills_group(d, i, 1, k, cur)) k = SEC_NONE;
    if (i == back_at && k == SEC_NONE) {
      /* The section the sidebar's groups interrupted goes on. */
      l->heading = cur = back;
      l->inline_content = true;
      resume = SEC_NONE;
      continue;
    }
    if (cur != SEC_SKILLS && (k == SEC_NONE || k == SEC_LANGUAGES) && unheaded_skills(d, i, cur)) {
      if (cur != SEC_NONE && cur != SEC_CONTACT) {
        back = cur;
        back_at = groups_end(d, i);
      }
      l->heading = cur = SEC_SKILLS;
      l->inline_content = true; /* the line names the first group */
      seen = true;
      resume = SEC_NONE;
      continue;
    }
    int letters;
    if (k == SEC_NONE && seen && caps_style && l->len <= 40 && all_caps(l->text, l->len, &letters) &&
        letters >= 4 && cw__word_count(l->text, l->len) <= 4 && (i == 0 || !d->lines[i - 1].len) &&
        !entry_like(d, i) && !repeated(d, i) && !(cur == SEC_SKILLS && caps_skill(d, l, letters)))
      k = SEC_OTHER; /* a heading of a section we do not parse */
    /* "Courses" there: the course list of the entry above */
    if (cur == SEC_EDUCATION && course_list(l)) k = SEC_NONE;
    if (k == SEC_NONE && inline_heading(d, l, cur)) {
      /* The section it interrupted goes on at the next line. */
      resume = cur;
      seen = true;
      cur = l->heading;
      continue;
    }
    if (k != SEC_NONE) {
      l->heading = k;
      cur = k;
      cur_at = i;
      seen = true;
    } else if (resume != SEC_NONE) {
      l->heading = cur = resume;
      l->inline_content = true;
    }
    resume = SEC_NONE;
  }
}
