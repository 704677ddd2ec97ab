-- Every column an API role may write (text, jsonb, arrays) is bounded, and
-- oversized values are refused.
BEGIN;
SELECT plan(8);

SELECT is((SELECT array_agg(c.relname || '.' || a.attname ORDER BY 1) FROM pg_class c
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND (a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'jsonb'::regtype, 'json'::regtype)
                   OR format_type(a.atttypid, NULL) LIKE '%[]')
              AND (has_column_privilege('authenticated', c.oid, a.attnum, 'INSERT')
                   OR has_column_privilege('authenticated', c.oid, a.attnum, 'UPDATE')
                   OR has_column_privilege('anon', c.oid, a.attnum, 'INSERT')
                   OR has_column_privilege('anon', c.oid, a.attnum, 'UPDATE'))
              AND NOT EXISTS (SELECT 1 FROM pg_constraint co
                               WHERE co.conrelid = c.oid AND co.contype = 'c' AND a.attnum = ANY (co.conkey)
                                 AND pg_get_constraintdef(co.oid) ~ '(char_length|cardinality|pg_column_size)\(|= ANY \(ARRAY\[|\{3\}\$')),
          NULL, 'every text, jsonb and array column the API roles write has a size limit (or a fixed set of values)');

CREATE TEMP TABLE sl AS SELECT u, tests.create_version(u) AS v FROM (SELECT tests.create_user('sl@example.com') AS u) s;
GRANT SELECT ON sl TO PUBLIC;
INSERT INTO public.profiles (id, full_name) SELECT u, 'Sam' FROM sl;
SELECT tests.login_as(u) FROM sl;
SELECT throws_ok(format($$INSERT INTO public.work_experience (user_id, company, title, description, source)
                          VALUES (%L, 'Acme', 'Engineer', repeat('x', 1000000), 'manual')$$, u),
                 '23514', NULL, 'a 1 MB description is refused') FROM sl;
SELECT lives_ok(format($$INSERT INTO public.work_experience (user_id, company, title, description, source)
                         VALUES (%L, 'Acme', 'Engineer', repeat('x', 20000), 'manual')$$, u),
                'a 20,000-character description is accepted') FROM sl;
SELECT throws_ok(format($$UPDATE public.profiles SET avatar_url = repeat('x', 1000000) WHERE id = %L$$, u),
                 '23514', NULL, 'a 1 MB URL is refused') FROM sl;
SELECT throws_ok(format($$INSERT INTO public.resume_streams (user_id, name, tags)
                          VALUES (%L, 'S', array_fill('t'::text, ARRAY[100000]))$$, u),
                 '23514', NULL, 'a 100,000-element array is refused') FROM sl;
SELECT throws_ok(format($$INSERT INTO public.resume_streams (user_id, name, tags)
                          VALUES (%L, 'S', ARRAY[repeat('t', 100000)])$$, u),
                 '23514', NULL, 'an array of one 100 kB element is refused') FROM sl;
SELECT throws_ok(format($$UPDATE public.resume_versions SET resume_metadata = (SELECT jsonb_object_agg(g::text, md5(g::text)) FROM generate_series(1, 20000) g)
                          WHERE id = %L$$, v),
                 '23514', NULL, 'a 1 MB jsonb document is refused') FROM sl;
SELECT throws_ok(format($$INSERT INTO public.interview_sessions (user_id, context_data)
                          VALUES (%L, jsonb_build_object('blob', repeat('y', 1000000)))$$, u),
                 '23514', NULL, 'a 1 MB jsonb value in an interview is refused') FROM sl;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
