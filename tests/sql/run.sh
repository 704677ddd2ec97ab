#!/bin/sh
# Database test suite: the schema applied as a Supabase migrations folder
# (scripts/supabase-migrations, twice), that folder and an upgrade from the
# pre-squash migrations compared with `careeros-worker migrate`, Supabase-
# compat paths, schema lints, pgTAP tests (pg_prove), EXPLAIN checks on
# generated data and the JSON Resume validation.
#
# Connection from the usual PG* variables; PGUSER must be a superuser (it
# creates scratch databases and roles).  The binary is taken from
# $CW_BUILD_ROOT (meson sets it) or ./build.  Example:
#   eval "$(tests/pgcluster.sh start /tmp/pg)" && export PGHOST PGPORT PGUSER && tests/sql/run.sh
# Exit status is non-zero when any part fails.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sqldir="$root/sql"
bin="${CW_BUILD_ROOT:-$root/build}/src/careeros-worker"

if [ -z "${PGHOST:-}" ]; then
  echo "Bail out! PGHOST is not set: start a cluster (tests/pgcluster.sh start DIR) and export PGHOST/PGPORT/PGUSER" >&2
  exit 1
fi
export PGUSER="${PGUSER:-postgres}"
unset PGDATABASE
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

tag="$$"
db="cw_sql_$tag"
supa="cw_sql_supa_$tag"
lintdb="cw_sql_lint_$tag"
perfdb="cw_sql_perf_$tag"
migdb="cw_sql_mig_$tag"
olddb="cw_sql_old_$tag"
work=$(mktemp -d)
failed=0
passed=0

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

cleanup() {
  for d in "$db" "$supa" "$lintdb" "$perfdb" "$migdb" "$olddb"; do
    dropdb --if-exists "$d" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The schema as a Supabase project gets it (see README "Supabase").
supafolder="$work/supabase-migrations"
if ! sh "$root/scripts/supabase-migrations" "$supafolder" >/dev/null; then
  echo "Bail out! scripts/supabase-migrations failed"
  exit 1
fi
migrations=$(ls "$supafolder"/[0-9]*_*.sql | sort)
baseline=$(ls "$sqldir"/migrations/*_baseline.sql)

apply_all() { # db [user]
  for f in $migrations; do
    if ! psql_q ${2:+-U "$2"} -d "$1" --single-transaction -f "$f" >"$work/apply.log" 2>&1; then
      cat "$work/apply.log"
      echo "# failed applying $(basename "$f") to $1 ${2:+as $2}"
      return 1
    fi
  done
}

catalog() { # db: the catalog dump of tests/sql/catalog.sql
  psql_q -d "$1" -f "$here/catalog.sql"
}

migrate_to() { # db dir
  CAREEROS_DATABASE_CONNINFO="host=$PGHOST port=${PGPORT:-5432} user=$PGUSER dbname=$1" \
    "$bin" migrate --dir "$2" >"$work/migrate.log" 2>&1 || { sed 's/^/# /' "$work/migrate.log"; return 1; }
}

echo "# Supabase migrations folder: $(echo "$migrations" | wc -l) files"

# 1. Plain PostgreSQL path (objects absent), applied twice.
createdb "$db" || { echo "Bail out! cannot create database $db"; exit 1; }
if apply_all "$db"; then ok "Supabase migrations folder applies with psql on plain PostgreSQL"; else not_ok "Supabase migrations folder applies with psql on plain PostgreSQL"; fi
if apply_all "$db"; then ok "Supabase migrations folder applies a second time (idempotent)"; else not_ok "Supabase migrations folder applies a second time (idempotent)"; fi
if psql_q -d "$db" -tAc "SELECT 1" >/dev/null && \
   [ "$(psql_q -d "$db" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'resume_versions'")" = 1 ]; then
  ok "schema present"
else
  not_ok "schema present"
fi

# pgvector: the column exists where the extension is available, and a NOTICE
# says it was skipped where it is not (Debian 12).
if [ "$(psql_q -d "$db" -tAc "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")" = 0 ]; then
  if PGOPTIONS="-c client_min_messages=notice" psql_q -d "$db" --single-transaction \
       -f "$baseline" 2>&1 | grep -q 'NOTICE:  pgvector (extension "vector") is not available'; then
    ok "pgvector unavailable: embedding_vector skipped with a NOTICE"
  else
    not_ok "pgvector unavailable but no NOTICE"
  fi
else
  if [ "$(psql_q -d "$db" -tAc "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.normalized_entities'::regclass AND attname = 'embedding_vector'")" = 1 ]; then
    ok "pgvector available: normalized_entities.embedding_vector exists"
  else
    not_ok "pgvector available but embedding_vector missing"
  fi
fi

# 1b. The same schema three ways: `careeros-worker migrate` on an empty
#     database, the Supabase folder above with psql, and an upgrade of a
#     database made by the pre-squash migrations (main at b3a4b4a, read from
#     git) by `careeros-worker migrate`.  Their catalog dumps must be equal.
createdb "$migdb"
if migrate_to "$migdb" "$sqldir"; then
  catalog "$migdb" >"$work/cat-migrate.txt"
  catalog "$db" >"$work/cat-supabase.txt"
  if [ "$(wc -l <"$work/cat-migrate.txt")" -gt 500 ] && cmp -s "$work/cat-migrate.txt" "$work/cat-supabase.txt"; then
    ok "Supabase migrations folder gives the same catalog as careeros-worker migrate ($(wc -l <"$work/cat-migrate.txt") lines)"
  else
    diff "$work/cat-migrate.txt" "$work/cat-supabase.txt" | head -n 20 | sed 's/^/# /'
    not_ok "Supabase migrations folder and careeros-worker migrate differ"
  fi
else
  not_ok "careeros-worker migrate on an empty database"
fi
old_rev=b3a4b4a
if git -C "$root" cat-file -e "$old_rev^{commit}" 2>/dev/null; then
  mkdir "$work/old"
  for f in $(git -C "$root" ls-tree --name-only "$old_rev" sql/ | grep -E '^sql/[0-9]+_.*\.sql$'); do
    git -C "$root" show "$old_rev:$f" >"$work/old/$(basename "$f")"
  done
  createdb "$olddb"
  user_id=00000000-0000-4000-8000-00000000b3a4
  if migrate_to "$olddb" "$work/old" &&
     psql_q -d "$olddb" -c "INSERT INTO auth.users (id, email) VALUES ('$user_id', 'old@example.com');
                            INSERT INTO public.profiles (id, full_name) VALUES ('$user_id', 'Old Layout')" >/dev/null &&
     migrate_to "$olddb" "$sqldir"; then
    catalog "$olddb" >"$work/cat-upgraded.txt"
    if cmp -s "$work/cat-migrate.txt" "$work/cat-upgraded.txt"; then
      ok "a database made by the $(ls "$work/old" | wc -l) migrations of $old_rev upgrades to the same catalog as a fresh install"
    else
      diff "$work/cat-migrate.txt" "$work/cat-upgraded.txt" | head -n 20 | sed 's/^/# /'
      not_ok "upgrade from $old_rev differs from a fresh install"
    fi
    # the baseline's row, then the migrations that came after it
    if [ "$(psql_q -d "$olddb" -tAc "SELECT string_agg(name, ',' ORDER BY name) FROM careeros_meta.schema_migrations")" = \
         "$(ls "$sqldir"/migrations/*.sql | xargs -n1 basename | sort | paste -sd,)" ] &&
       [ "$(psql_q -d "$olddb" -tAc "SELECT full_name FROM public.profiles WHERE id = '$user_id'")" = "Old Layout" ]; then
      ok "upgrade: the old history is replaced by the baseline's row, the data stays"
    else
      not_ok "upgrade: bookkeeping or data not as expected"
    fi
  else
    not_ok "upgrade from $old_rev: migrate failed"
  fi
else
  ok "upgrade from $old_rev # SKIP no git history here"
fi

# 2. Lints (splinter-style), then the lints' self-test on a broken copy.
psql -X -q -d "$db" -f "$here/lint.sql" >"$work/lint.out" 2>&1
grep -v '^CREATE VIEW' "$work/lint.out" | grep -v 'rls_enabled_no_policy |' | sed 's/^/# /'
if grep -q '^LINT_FAILURES=0$' "$work/lint.out"; then ok "lints: no ERROR/WARN, no unindexed FK, no missing PK, no duplicate index"
else not_ok "lints report problems (see above)"; fi

createdb -T "$db" "$lintdb"
psql_q -d "$lintdb" -f "$here/lint-selftest.sql" >/dev/null 2>&1
psql -X -q -d "$lintdb" -f "$here/lint.sql" >"$work/lint-self.out" 2>&1
missing=""
for l in rls_disabled_in_public auth_rls_initplan rls_references_user_metadata multiple_permissive_policies \
         rls_policy_always_true function_search_path_mutable security_definer_view auth_users_exposed \
         materialized_view_in_api extension_in_public unindexed_foreign_keys no_primary_key duplicate_index \
         anon_security_definer_function_executable authenticated_security_definer_function_executable; do
  grep -q "| $l |" "$work/lint-self.out" || missing="$missing $l"
done
if [ -z "$missing" ]; then ok "lint self-test: every lint fires on a deliberately broken schema"
else not_ok "lint self-test: lints that did not fire:$missing"; fi
dropdb "$lintdb"

# 3. Supabase path: auth/extensions already present and owned by another
#    role; migrations run by a non-superuser owner, twice.
psql_q -d postgres >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_auth_admin') THEN
    CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cw_supa_owner') THEN
    CREATE ROLE cw_supa_owner LOGIN NOSUPERUSER CREATEROLE CREATEDB BYPASSRLS;
  END IF;
  ALTER ROLE cw_supa_owner INHERIT;
END $$;
SQL
createdb -O cw_supa_owner "$supa"
psql_q -d "$supa" -f "$here/supabase-sim.sql" >/dev/null
auth_before=$(psql_q -d "$supa" -tAc "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
  SELECT 'c:' || relname || ':' || relowner::regrole::text AS x FROM pg_class WHERE relnamespace = 'auth'::regnamespace
  UNION ALL SELECT 'p:' || proname || ':' || proowner::regrole::text || ':' || md5(prosrc) FROM pg_proc WHERE pronamespace = 'auth'::regnamespace) s")
if apply_all "$supa" cw_supa_owner && apply_all "$supa" cw_supa_owner; then
  ok "Supabase path: migrations apply twice as a non-superuser with auth owned by supabase_auth_admin"
else
  not_ok "Supabase path: migrations fail as a non-superuser"
fi
auth_after=$(psql_q -d "$supa" -tAc "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
  SELECT 'c:' || relname || ':' || relowner::regrole::text AS x FROM pg_class WHERE relnamespace = 'auth'::regnamespace
  UNION ALL SELECT 'p:' || proname || ':' || proowner::regrole::text || ':' || md5(prosrc) FROM pg_proc WHERE pronamespace = 'auth'::regnamespace) s")
if [ "$auth_before" = "$auth_after" ]; then ok "Supabase path: nothing created or changed in schema auth"
else not_ok "Supabase path: schema auth was modified"; fi
n=$(psql_q -d "$supa" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND rowsecurity AND tableowner = 'cw_supa_owner'")
if [ "${n:-0}" -ge 20 ]; then ok "Supabase path: $n tables in public owned by the project owner, RLS on"
else not_ok "Supabase path: only ${n:-0} tables with RLS"; fi
psql -X -q -d "$supa" -f "$here/lint.sql" >"$work/lint-supa.out" 2>&1
if grep -q '^LINT_FAILURES=0$' "$work/lint-supa.out"; then ok "Supabase path: lints clean"
else grep -E '^(ERROR|WARN|INFO) \|' "$work/lint-supa.out" | grep -v rls_enabled_no_policy | sed 's/^/# /'; not_ok "Supabase path: lints report problems"; fi
# the same pgTAP suite against the Supabase-like database (tables owned by the
# non-superuser project owner, auth owned by supabase_auth_admin)
psql_q -d "$supa" -c "CREATE EXTENSION IF NOT EXISTS pgtap" >/dev/null && psql_q -d "$supa" -f "$here/helpers.sql" >/dev/null
if pg_prove -d "$supa" "$sqldir"/tests/*.sql >"$work/prove-supa.out" 2>&1; then
  ok "Supabase path: pgTAP suite passes ($(grep -o 'Tests=[0-9]*' "$work/prove-supa.out"))"
else
  sed 's/^/# /' "$work/prove-supa.out"; not_ok "Supabase path: pgTAP suite"
fi
dropdb "$supa"

# 4. pgTAP
psql_q -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pgtap" >/dev/null &&
psql_q -d "$db" -f "$here/helpers.sql" >/dev/null || { not_ok "pgTAP setup"; }
if pg_prove -d "$db" "$sqldir"/tests/*.sql; then ok "pgTAP (pg_prove sql/tests/*.sql)"
else not_ok "pgTAP (pg_prove sql/tests/*.sql)"; fi

# 5. EXPLAIN: the user's complete profile and the worker's lookups use
#    indexes with a few thousand users loaded.
createdb -T "$db" "$perfdb"
if psql -X -v ON_ERROR_STOP=1 -d "$perfdb" -f "$here/explain.sql" >"$work/explain.out" 2>&1; then
  grep '^ ROWS ' "$work/explain.out" | sed 's/^ */# /'
  big='resume_versions|resume_version_texts|parsed_resume_entities|entry_enrichment|career_enrichment|career_narratives|resume_entity_links|merge_decisions|normalized_entities|work_experience|education|skill|project|certification|resume_streams'
  nplans=$(grep -c 'LOG:  duration' "$work/explain.out")
  echo "# $nplans plans logged by auto_explain"
  grep -oE '(Index Only Scan|Index Scan|Bitmap Index Scan) (using|on) [a-z_0-9]+' "$work/explain.out" | sort | uniq -c | sed 's/^/#   /'
  if grep -E "Seq Scan on ($big)( |$)" "$work/explain.out" >"$work/seq.out"; then
    sed 's/^/# /' "$work/seq.out"
    not_ok "EXPLAIN: sequential scans on user data (see above)"
  elif [ "$nplans" -lt 20 ]; then
    not_ok "EXPLAIN: too few plans captured ($nplans)"
  else
    ok "EXPLAIN: the user's profile queries and the worker's lookups and merge use indexes (3000 users)"
  fi
else
  tail -n 20 "$work/explain.out" | sed 's/^/# /'
  not_ok "EXPLAIN: data generation or queries failed"
fi
dropdb "$perfdb"

# 6. JSON Resume export against the official schema (needs npm).
if "$here/jsonresume-validate.sh" "$db"; then ok "JSON Resume export validates (or validation skipped, see above)"
else not_ok "JSON Resume export does not validate"; fi

echo "1..$((passed + failed))"
echo "# sql suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
