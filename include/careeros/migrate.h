/* Schema migrations and definitions.
 *
 * Migrations, DIR/migrations/<digits>_name.sql (or DIR itself when it has no
 * migrations/ subdirectory), are applied once each in name order, each in its
 * own transaction together with its bookkeeping row in
 * careeros_meta.schema_migrations (name, sha256, applied_at, applied_by).  A
 * file that was applied and has changed since is refused: migrations are
 * append-only, a changed one means the database and the code disagree.
 *
 * Definitions, every .sql file below DIR/definitions/ (functions, views,
 * triggers, policies), are then applied in path order when their sha256
 * differs from the one in careeros_meta.schema_definitions, or all of them
 * when a migration was applied by the same run; all in one transaction.
 *
 * A session-level advisory lock serialises concurrent runners (two hosts
 * migrating at once: the second waits, then finds everything applied). */
#ifndef CAREEROS_MIGRATE_H
#define CAREEROS_MIGRATE_H

#include <libpq-fe.h>
#include <stdio.h>

/* The advisory lock key ("careeros" in ASCII), shared by every runner. */
#define CW_MIGRATE_LOCK_KEY 0x63617265657273LL

typedef struct {
  int applied;   /* migrations applied by this run */
  int skipped;   /* migrations found applied with the same checksum */
  int defined;   /* definition files applied by this run */
  int unchanged; /* definition files found applied with the same checksum */
} cw_migrate_stats;

/* Applies every pending migration of dir, then the definitions that
 * changed.  Progress goes to out (one line per file run), problems to
 * stderr naming the file.  Returns 0, -EEXIST
 * when an applied file's checksum changed (nothing is applied then),
 * -ENOENT/-EIO for directory problems, -EPROTO for a failed statement. */
int cw_migrate_apply(PGconn *conn, const char *dir, FILE *out, cw_migrate_stats *stats);

/* Lists every migration as applied (with time), pending or CHANGED, every
 * definition as current, pending or changed, and recorded files that are
 * missing.  Returns 0, or -EEXIST when a migration's checksum differs. */
int cw_migrate_status(PGconn *conn, const char *dir, FILE *out);

/* Hex sha256 (65 bytes with NUL) of a buffer; 0 or -EIO. */
int cw_sha256_hex(const void *data, size_t len, char out[65]);

#endif
