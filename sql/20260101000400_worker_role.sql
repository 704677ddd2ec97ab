-- The worker's login role.  Least privilege: no superuser, no BYPASSRLS
-- (row access comes from policies TO careeros_worker), no CREATEDB/CREATEROLE,
-- owns nothing (so it can drop, truncate or grant nothing).  Its table
-- privileges are granted in 20260101000900_grants.sql.  Set its password
-- outside of migrations:  ALTER ROLE careeros_worker PASSWORD '...';
DO $role$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'careeros_worker') THEN
    CREATE ROLE careeros_worker LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
    COMMENT ON ROLE careeros_worker IS
      'careeros-worker daemon: reads pending resume versions, writes pipeline outputs and merged entities';
  END IF;
END
$role$;
