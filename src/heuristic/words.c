/* Keyword lists that tell a job title from an organisation, a school or a
 * degree, and the place test built on them. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>
#include <strings.h>

#include "words.h"

static const char *const title_words[] = {
    "engineer", "developer", "programmer", "manager", "director", "intern", "internship",
    "president", "vice", "vp", "svp", "evp", "ceo", "cto", "cfo", "coo", "cio", "cmo", "cpo",
    "ciso", "founder", "cofounder", "owner", "partner", "lead", "leader", "head", "chief",
    "officer", "analyst", "consultant", "designer", "architect", "scientist", "researcher",
    "specialist", "administrator", "coordinator", "assistant", "associate", "principal",
    "senior", "sr", "junior", "jr", "staff", "teacher", "tutor", "instructor", "professor",
    "lecturer", "fellow", "postdoc", "postdoctoral", "student", "trainee", "apprentice",
    "technician", "editor", "writer", "journalist", "accountant", "auditor", "nurse",
    "physician", "representative", "executive", "supervisor", "advisor", "adviser",
    "strategist", "recruiter", "sre", "devops", "dba", "qa", "tester", "contractor",
    "freelancer", "chair", "chairman", "secretary", "treasurer", "clerk", "agent",
    "operator", "mechanic", "electrician", "cashier", "barista", "driver", "pharmacist",
    "therapist", "counselor", "librarian", "photographer", "producer", "attorney", "lawyer",
    "paralegal", "economist", "statistician", "physicist", "chemist", "biologist", "owner",
    "werkstudent", "entwickler", "softwareentwickler", "ingenieur", "leiter", "leiterin",
    "berater", "beraterin", "praktikant", "praktikantin", "referent", "geschäftsführer",
    "développeur", "développeuse", "ingénieur", "stagiaire", "responsable", "directeur",
    "directrice", "chargé", "chargée", "desarrollador", "ingeniero", "gerente", "jefe",
    "becario", "analista", "consultor", "programador", "mentor", "organizer", "member",
    "maintainer", "contributor", "volunteer", "cook", "chef", "waiter", "server", "sales",
    "marketing", "support", "product", "programme", "program", "project", "officer",
    /* public service, trades, health, media, hospitality, law */
    "senator", "governor", "mayor", "minister", "ambassador", "councillor", "councilor", "judge",
    "soldier", "sergeant", "captain", "lieutenant", "commander", "pilot", "surgeon", "dentist",
    "veterinarian", "paramedic", "firefighter", "detective", "mathematician", "translator",
    "interpreter", "coach", "trainer", "dean", "provost", "chancellor", "curator", "archivist",
    "planner", "estimator", "surveyor", "inspector", "controller", "bookkeeper", "teller",
    "banker", "broker", "underwriter", "actuary", "trader", "buyer", "merchandiser", "stylist",
    "actor", "actress", "musician", "singer", "composer", "dancer", "author", "columnist",
    "reporter", "correspondent", "presenter", "animator", "illustrator", "copywriter",
    "receptionist", "housekeeper", "nanny", "caregiver", "carpenter", "plumber", "welder",
    "machinist", "foreman", "superintendent", "dispatcher", "courier", "ranger", "farmer",
    "gardener", "baker", "butcher", "bartender", "sommelier", "concierge", "steward",
    "attendant", "advocate", "solicitor", "barrister", "notary", "counsel", "generalist",
    "expert", "evangelist", "resident", "scholar", "proprietor", "entrepreneur", "webmaster",
    "sysadmin", "hygienist", "optometrist", "psychologist", "psychiatrist", "midwife",
    "technologist", "scientist", "researcher", "editor", "ta",
    /* care, kitchens, shops, warehouses, schools */
    "aide", "porter", "cleaner", "janitor", "custodian", "dietitian", "dishwasher", "stocker",
    "picker", "packer", "labourer", "laborer", "barber", "hairdresser", "caretaker", "counsellor",
    "headteacher", "sonographer", "radiographer", "clinician", "paraprofessional", "hostess",
    /* feminine and other Romance forms */
    "ingeniera", "desarrolladora", "programadora", "consultora", "directora", "jefa",
    "becaria", "diseñador", "diseñadora", "técnico", "técnica", "coordinador", "coordinadora",
    "administrativo", "administrativa", "asistente", "ingénieure", "consultante", "cheffe",
    "conseillère", "conseiller", "assistante", "vendeur", "vendeuse", "ingegnere",
    "sviluppatore", "responsabile", "engenheiro", "engenheira", "desenvolvedor",
    "desenvolvedora", "gerente", "analista",
    /* Italian, Portuguese and Polish roles */
    "direttore", "direttrice", "consulente", "tecnico", "stagista", "programmatore",
    "programmatrice", "progettista", "insegnante", "ricercatore", "ricercatrice", "impiegato",
    "impiegata", "diretor", "diretora", "estagiário", "estagiária", "coordenador",
    "coordenadora", "pesquisador", "pesquisadora", "professora", "especialista", "assistente",
    "specjalista", "ekspert", "asystent", "asystentka", "doradca", "dyrektor", "kierownik",
    "naczelnik", "programista", "programistka", "inżynier", "konsultant", "koordynator",
    "koordynatorka", "praktykant", "stażysta", "prezes", "księgowy", "księgowa", "nauczyciel",
    "nauczycielka", "wykładowca", "projektant", "projektantka", "referent", "zastępca",
    /* more German, French and Spanish roles (German compounds: see role_root) */
    "mitarbeiter", "sachbearbeiter", "dozent", "doktorand",
    "auszubildender", "auszubildende", "azubi", "gründer", "mitgründer", "inhaber", "hilfskraft",
    "technicien", "technicienne", "architecte", "administrateur", "administratrice", "alternant",
    "alternante", "apprenti", "apprentie", "doctorant", "doctorante", "chercheur", "chercheuse",
    "enseignant", "enseignante", "professeur", "formateur", "formatrice", "rédacteur",
    "rédactrice", "comptable", "infirmier", "infirmière", "avocat", "avocate", "auditeur",
    "auditrice", "gestionnaire", "développeurs", "arquitecto", "arquitecta", "investigador",
    "investigadora", "profesor", "administrador", "administradora", "abogado", "abogada",
    "encargado", "encargada", "científico", "científica", "enfermero", "enfermera", "redactor",
    "redactora", "periodista", "docente", "pasante", "fundador", "fundadora", "cofundador",
    "cofundadora", "vendedor", "vendedora", "ingenieros", NULL};

static const char *const company_words[] = {
    "inc", "llc", "ltd", "limited", "gmbh", "ag", "corp", "corporation", "company", "co",
    "plc", "sa", "sas", "sarl", "srl", "bv", "nv", "kg", "se", "group", "labs", "lab",
    "technologies", "technology", "tech", "systems", "solutions", "software", "bank",
    "agency", "studio", "studios", "partners", "consulting", "holdings", "ventures",
    "capital", "foundation", "hospital", "research", "house", "ministry", "department",
    "government", "ai", "media", "network", "networks", "services", "industries",
    "international", "global", "health", "the", "university", "institute", "council",
    "associates", "enterprises", "digital", "games", "interactive", "analytics", "cloud",
    "energy", "motors", "airlines", "pharma", "insurance", "bureau", "office", "center",
    "centre", "clinic", "school", "college", "senate", "congress", "parliament", "court",
    "army", "navy", "police", "church", "museum", "library", "hotel", "hotels", "restaurant",
    "cafe", "store", "stores", "shop", "market", "farm", "press", "publishing", "news", "radio",
    "café", "diner", "bistro", "bakery", "brewery", "tavern",
    "broadcasting", "airport", "railway", "railways", "county", "federal", "commission",
    "authority", "board", "trust", "association", "society", "club", "union", "federation",
    "league", "cooperative", "partnership", "llp", "nhs", "gmbh", "ag", "llc", "ltd", "inc",
    "corp", "co", "kg", "oy", "spa", "s.p.a.", "k.k.", "pty", "pvt", "s.l.", "sl", "s.a.",
    "s.a.s.", "s.r.l.", "s.l.u.", "ltda", "sarl", "b.v.", "n.v.", "aps", "a/s", "sas",
    /* Italian, Portuguese and Polish organisations */
    "società", "azienda", "fondazione", "ministero", "banca", "comune", "agenzia", "empresa",
    "fundação", "ministério", "banco", "associação", "prefeitura", "secretaria", "fundacja",
    "ministerstwo", "związek", "stowarzyszenie", "spółka", "urząd", "instytut", "poczta",
    "fundación", "ministerio", "asociación", "ayuntamiento", "stiftung", "verein", "verband",
    "ministerium",
    /* German, French and Spanish legal forms and organisations */
    "mbh", "ug", "e.v.", "gbr", "ohg", "kgaa", "gesellschaft", "gruppe", "versicherung",
    "versicherungen", "verlag", "agentur", "klinikum", "krankenhaus", "behörde", "konzern",
    "stadtwerke", "eurl", "sasu", "société", "groupe", "entreprise", "compagnie", "banque",
    "agence", "ministère", "mairie", "fondation", "laboratoire", "hôpital", "clinique",
    "sociedad", "compañía", "grupo", "agencia", "laboratorio", "s.c.", "s.coop.", NULL};

static const char *const inst_words[] = {
    "university", "universität", "universitat", "université", "universidad", "universidade",
    "università", "universiteit", "college", "school", "institute", "institut", "instituto",
    "academy", "akademie", "hochschule", "fachhochschule", "polytechnic", "politecnico",
    "polytechnique", "école", "ecole", "escuela", "gymnasium", "lycée", "conservatory",
    "seminary", "eth", "epfl", "mit", "ucla", "tu", "kth", "iit", "uc", "uniwersytet",
    "politechnika", "akademia", "szkoła", "liceum", "università", "politecnico", "liceo",
    "faculdade", "escola",
    "berufsschule", "berufskolleg", "gesamtschule", "realschule", "oberschule", "iut", "insa",
    "faculté", "collège", "conservatoire", "colegio", "facultad", "conservatorio", NULL};

static const char *const degree_words[] = {
    "phd", "ph.d", "ph.d.", "dphil", "doctor", "doctorate", "master", "master's", "masters",
    "bachelor", "bachelor's", "bachelors", "msc", "m.sc", "m.sc.", "ms", "m.s", "m.s.", "ma",
    "m.a", "m.a.", "mba", "bs", "b.s", "b.s.", "bsc", "b.sc", "b.sc.", "ba", "b.a", "b.a.",
    "beng", "b.eng", "b.eng.", "meng", "m.eng", "m.eng.", "btech", "b.tech", "mtech", "m.tech",
    "associate", "associate's", "associate\xe2\x80\x99s", "bachelor\xe2\x80\x99s", "master\xe2\x80\x99s", "diploma", "diplom", "dipl.", "abitur", "licence",
    "licenciatura", "licenciado", "magister", "ged", "jd", "j.d.", "juris", "md", "m.d.", "llb",
    "llm", "ll.b.", "ll.m.", "mphil", "bba", "bfa", "mfa", "mres", "staatsexamen", "grado",
    "máster", "doctorado", "ingeniero", "ingénieur", "high", "a-levels", "gcse", "certificate",
    "postgraduate", "undergraduate", "b.e.", "m.e.", "be", "me", "ed.d", "edd",
    /* German, French, Spanish, Italian, Portuguese and Polish degrees */
    "ausbildung", "berufsausbildung", "fachabitur", "zertifikat", "doctorat",
    "bts", "dut", "baccalauréat", "bac", "diplôme", "mastère", "maîtrise", "deug", "dess",
    "certificat", "diplomatura", "bachillerato", "título", "certificado", "posgrado", "maestría",
    "laurea", "dottorato", "mestrado", "doutorado", "bacharelado", "licencjat", NULL};

static const char *const *const lists[] = {title_words, company_words, inst_words, degree_words};

#define NLISTS (sizeof lists / sizeof lists[0])
#define MAX_LIST 2048

/* Each list's entries grouped by first byte, with their lengths: every word
 * of every candidate name is looked up in lists of hundreds of words, and
 * scanning them whole was a fifth of the parse time.  Built once (the lists
 * never change); call_once keeps that safe wherever the parser runs. */
typedef struct {
  uint16_t at[257];     /* entries with first byte c: by[at[c]] .. by[at[c + 1] - 1] */
  uint16_t by[MAX_LIST]; /* entry numbers */
  uint16_t len[MAX_LIST];
} list_index;

static list_index indexes[NLISTS];
static once_flag indexes_once = ONCE_FLAG_INIT;

static void build_indexes(void) {
  for (size_t l = 0; l < NLISTS; l++) {
    list_index *x = &indexes[l];
    unsigned count[256] = {0};
    size_t n = 0;
    for (; lists[l][n] && n < MAX_LIST; n++) {
      count[(unsigned char)lists[l][n][0]]++;
      size_t m = strlen(lists[l][n]);
      x->len[n] = (uint16_t)(m < UINT16_MAX ? m : UINT16_MAX);
    }
    x->at[0] = 0;
    for (int c = 0; c < 256; c++) x->at[c + 1] = (uint16_t)(x->at[c] + count[c]);
    uint16_t fill[256];
    memcpy(fill, x->at, sizeof fill);
    for (size_t i = 0; i < n; i++) x->by[fill[(unsigned char)lists[l][i][0]]++] = (uint16_t)i;
  }
}

bool cw__word_in(const char *w, size_t n, enum cw__words which) {
  if (!n) return false;
  call_once(&indexes_once, build_indexes);
  const char *const *list = lists[which];
  const list_index *x = &indexes[which];
  int c0 = tolower((unsigned char)w[0]);
  for (unsigned k = x->at[c0]; k < x->at[c0 + 1]; k++) {
    unsigned i = x->by[k];
    if (x->len[i] == n && cw_same_folded(list[i], w, n)) return true;
  }
  return false;
}

/* German writes a role as one compound whose last part is the role:
 * "Softwareentwickler", "Projektleiterin", "Industriekaufmann". The word w
 * (a feminine "-in" already cut) ends in such a part after a head of three
 * letters or more (so that a surname like "Kaufmann" alone is no role). */
static bool role_root(const char *w, size_t n) {
  static const char *const roots[] = {
      "entwickler", "leiter", "berater", "ingenieur", "architekt", "manager", "designer",
      "referent", "techniker", "assistent", "analyst", "administrator", "programmierer",
      "koordinator", "spezialist", "mitarbeiter", "bearbeiter", "kaufmann", "kauffrau", "lehrer",
      "student", "praktikant", "direktor", "führer", "informatiker", "wissenschaftler",
      "redakteur", "betreuer", "trainer", "consultant", "engineer", "developer", NULL};
  /* every root ends in r, t, n or u: look no further for the other words
   * (this runs on every word of every candidate name) */
  char z = (char)tolower((unsigned char)w[n - 1]);
  if (n < 6 || !strchr("rtnu", z)) return false;
  for (int i = 0; roots[i]; i++) {
    size_t m = strlen(roots[i]);
    if (n >= m + 3 && roots[i][m - 1] == z && cw_same_folded(roots[i], w + n - m, m)) return true;
  }
  return false;
}

/* Number of words of s found in list (words split at blanks and / & - , ( ) ). */
int cw__score_words(const char *s, size_t n, enum cw__words which) {
  int score = 0;
  size_t i = 0;
  bool first = true;
  while (i < n) {
    while (i < n && strchr(" /&-,()|:", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" /&-,()|:", s[i])) i++;
    size_t wl = i - b;
    while (wl && s[b + wl - 1] == '.' && !cw__word_in(s + b, wl, which)) wl--;
    /* "The" opens a name ("The Harbour Trust"); inside a phrase it is
     * prose ("Handled the register"), no organisation word */
    bool inner_the = which == W_COMPANY && !first && wl == 3 && strncasecmp(s + b, "the", 3) == 0;
    first = false;
    if (inner_the) continue;
    if (wl && cw__word_in(s + b, wl, which)) score++;
    /* German feminine forms: "Designerin", "Entwicklerin", "Beraterin". */
    else if (which == W_TITLE && wl > 5 && strncasecmp(s + b + wl - 2, "in", 2) == 0 &&
             cw__word_in(s + b, wl - 2, which))
      score++;
    else if (which == W_TITLE && wl > 5 &&
             (role_root(s + b, wl) || (strncasecmp(s + b + wl - 2, "in", 2) == 0 && role_root(s + b, wl - 2))))
      score++;
  }
  return score;
}

/* The piece ends in a word for a part of an organisation ("Emergency
 * Department", "Intensive Care Unit", "Platform Team"); "Department of
 * Health" ends otherwise and is an employer. */
bool cw__unit_piece(const char *s, size_t n) {
  static const char *const w[] = {"department", "dept", "unit", "ward", "division", "team", NULL};
  while (n && strchr(" .", s[n - 1])) n--;
  size_t b = n;
  while (b && s[b - 1] != ' ') b--;
  if (!b) return false; /* (a unit word alone names nothing) */
  return cw__in_list(w, s + b, n - b);
}

/* "High School Diploma", "Secondary School Certificate": one degree,
 * whatever school word it holds (no comma, a degree word last; also before
 * an "in" whose field went elsewhere: "High School Diploma in"). */
bool cw__ends_in_degree(const char *s, size_t n) {
  while (n && (s[n - 1] == ' ' || s[n - 1] == '.')) n--;
  if (n > 3 && (memcmp(s + n - 3, " in", 3) == 0 || memcmp(s + n - 3, " en", 3) == 0)) n -= 3;
  size_t b = n;
  while (b && s[b - 1] != ' ') b--;
  return b && !memchr(s, ',', n) && cw__word_in(s + b, n - b, W_DEGREE);
}

bool cw__starts_with_degree(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '(') i++;
  if (cw__word_in(s, i, W_DEGREE)) return true;
  size_t wl = i;
  while (wl && (s[wl - 1] == '.' || s[wl - 1] == ':')) wl--;
  return wl && wl != i && cw__word_in(s, wl, W_DEGREE);
}

/* Some word of s is a degree word ("BSc", "Master"). */
bool cw__has_degree(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    while (i < n && strchr(" ,;/()-", s[i])) i++;
    size_t b = i;
    while (i < n && !strchr(" ,;/()-", s[i])) i++;
    if (i > b && cw__starts_with_degree(s + b, i - b)) return true;
  }
  return false;
}

/* "Santa Clara, CA" is a place; "Research Intern, NVIDIA Research" has the
 * same shape but carries title or organisation words. */
/* "College Station, TX": a place ending in a two-letter state or country
 * code, whatever words it holds. */
static bool ends_in_code(const char *s, size_t n) {
  return n > 4 && s[n - 4] == ',' && s[n - 3] == ' ' && isupper((unsigned char)s[n - 2]) &&
         isupper((unsigned char)s[n - 1]);
}

/* "California and Remote", "Berlin / Remote": a place or working remotely. */
static bool or_remote(const char *s, size_t n) {
  static const char *const joins[] = {" and remote", " or remote", " / remote", " & remote", " | remote",
                                      " or remotely", NULL};
  for (int i = 0; joins[i]; i++) {
    size_t m = strlen(joins[i]);
    if (n <= m || strncasecmp(s + n - m, joins[i], m) != 0) continue;
    size_t k = n - m;
    if (cw__word_count(s, k) > 2 || memchr(s, ',', k)) return false;
    for (size_t j = 0; j < k; j++)
      if ((j == 0 || s[j - 1] == ' ') && !isupper((unsigned char)s[j])) return false;
    return true;
  }
  return false;
}

bool cw__names_nothing(const char *s, size_t n) {
  return !cw__score_words(s, n, W_TITLE) && !cw__score_words(s, n, W_COMPANY) &&
         !cw__score_words(s, n, W_INST) && !cw__starts_with_degree(s, n);
}

bool cw__is_location(cw__doc *d, const char *s, size_t n) {
  cw__trim(&s, &n);
  if (!n || cw__word_count(s, n) > 6) return false;
  if (or_remote(s, n) && !cw__score_words(s, n, W_TITLE) && !cw__score_words(s, n, W_COMPANY)) return true;
  if (ends_in_code(s, n) && !memchr(s, '|', n) && !memmem(s, n, "   ", 3) &&
      cw__word_count(s, n) <= 4 && cw__score_words(s, n, W_TITLE) == 0 &&
      cw__re_find(d->h, RE_LOCATION, s, n, NULL, NULL))
    return true;
  if (!cw__names_nothing(s, n)) return false;
  return cw__re_find(d->h, RE_LOCATION, s, n, NULL, NULL);
}

/* What an entry's parts are called, and the words that go with them. */
static const char *const label_words[] = {
    "highlights", "responsibilities", "achievements", "accomplishments", "duties", "tasks",
    "results", "aufgaben", "tätigkeiten", "erfolge", "schwerpunkte", "missions",
    "responsabilités", "réalisations", "logros", "responsabilidades", "funciones", "tareas",
    "responsabilità", "attività", "risultati", "obowiązki", "osiągnięcia", "zadania",
    "realizações", "atividades", NULL};
static const char *const label_mods[] = {"key", "main", "selected", "major", "notable", "and", "&",
                                         "principales", "główne", "wichtigste", NULL};

bool cw__entry_label(const char *s, size_t n) {
  cw__trim(&s, &n);
  while (n && s[n - 1] == ':') n--;
  if (!n || cw__word_count(s, n) > 3) return false;
  bool head = false;
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t b = i;
    while (i < n && s[i] != ' ') i++;
    if (i == b) break;
    if (cw__in_list(label_words, s + b, i - b)) head = true;
    else if (!cw__in_list(label_mods, s + b, i - b)) return false;
  }
  return head;
}
