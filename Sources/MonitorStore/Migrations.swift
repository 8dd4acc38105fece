import GRDB

/// The state schema. Named migrations are never edited once shipped: change the schema by
/// appending a migration. Constraints live in the schema so that no code path can store
/// something the rest of the product cannot read.
enum Migrations {
    /// `PRAGMA application_id` of a monitor state file: "MON1".
    static let applicationID: Int32 = 0x4D4F_4E31

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-configuration-and-ledger") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                      key TEXT PRIMARY KEY NOT NULL,
                      value TEXT NOT NULL
                    );
                    CREATE TABLE revision (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      applied_at TEXT NOT NULL,
                      config_digest TEXT NOT NULL CHECK (length(config_digest) = 64),
                      config_path TEXT NOT NULL,
                      git_commit TEXT,
                      git_branch TEXT,
                      git_dirty INTEGER CHECK (git_dirty IN (0, 1)),
                      user TEXT NOT NULL,
                      host TEXT NOT NULL,
                      added INTEGER NOT NULL CHECK (added >= 0),
                      changed INTEGER NOT NULL CHECK (changed >= 0),
                      removed INTEGER NOT NULL CHECK (removed >= 0),
                      desired TEXT NOT NULL CHECK (json_valid(desired))
                    );
                    CREATE TABLE settings (
                      id INTEGER PRIMARY KEY CHECK (id = 1),
                      spec TEXT NOT NULL CHECK (json_valid(spec)),
                      revision_id INTEGER NOT NULL REFERENCES revision(id)
                    );
                    CREATE TABLE destination (
                      name TEXT PRIMARY KEY NOT NULL,
                      path TEXT NOT NULL CHECK (path LIKE '/%'),
                      keep_versions INTEGER NOT NULL CHECK (keep_versions >= 1),
                      spec TEXT NOT NULL CHECK (json_valid(spec)),
                      revision_id INTEGER NOT NULL REFERENCES revision(id)
                    );
                    CREATE TABLE alert_route (
                      name TEXT PRIMARY KEY NOT NULL,
                      channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
                      spec TEXT NOT NULL CHECK (json_valid(spec)),
                      revision_id INTEGER NOT NULL REFERENCES revision(id)
                    );
                    -- Jobs are never deleted: a removed job is retired and keeps its history.
                    CREATE TABLE job (
                      name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
                      destination TEXT NOT NULL,
                      schedule TEXT NOT NULL,
                      timezone TEXT NOT NULL,
                      window_seconds INTEGER NOT NULL CHECK (window_seconds > 0),
                      spec TEXT NOT NULL CHECK (json_valid(spec)),
                      first_applied_at TEXT NOT NULL,
                      -- When it was last added or revived: occurrences are expected from here on.
                      active_since TEXT NOT NULL,
                      retired_at TEXT,
                      revision_id INTEGER NOT NULL REFERENCES revision(id)
                    );
                    CREATE INDEX job_active ON job(retired_at);

                    -- The run ledger: one row per expected occurrence of a job.
                    CREATE TABLE occurrence (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      job TEXT NOT NULL REFERENCES job(name),
                      scheduled_at TEXT NOT NULL,
                      window_end TEXT NOT NULL CHECK (window_end > scheduled_at),
                      state TEXT NOT NULL CHECK (state IN ('SUCCESS', 'FAILED', 'MISSING', 'HASH_MISMATCH', 'PENDING')),
                      late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
                      finished_at TEXT,
                      message TEXT,
                      version_id TEXT,
                      decided_at TEXT,
                      UNIQUE (job, scheduled_at)
                    );
                    -- Every status file seen, keyed by the SHA-256 of its bytes: processed once.
                    CREATE TABLE status_file (
                      job TEXT NOT NULL REFERENCES job(name),
                      sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                      occurrence_id INTEGER REFERENCES occurrence(id),
                      status TEXT CHECK (status IN ('SUCCESS', 'FAILED')),
                      finished_at TEXT,
                      received_at TEXT NOT NULL,
                      verdict TEXT NOT NULL CHECK (verdict IN ('SUCCESS', 'FAILED', 'HASH_MISMATCH')),
                      message TEXT,
                      PRIMARY KEY (job, sha256)
                    );
                    -- Promoted versions under <destination>/<job>/versions/<id>.
                    CREATE TABLE version (
                      job TEXT NOT NULL REFERENCES job(name),
                      id TEXT NOT NULL,
                      path TEXT NOT NULL,
                      finished_at TEXT NOT NULL,
                      promoted_at TEXT NOT NULL,
                      files INTEGER NOT NULL CHECK (files >= 1),
                      bytes INTEGER NOT NULL CHECK (bytes >= 0),
                      status_sha256 TEXT NOT NULL,
                      deleted_at TEXT,
                      PRIMARY KEY (job, id)
                    );
                    -- Notifications, written in the same transaction as the verdict that causes them.
                    CREATE TABLE outbox (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      route TEXT NOT NULL,
                      job TEXT NOT NULL,
                      event TEXT NOT NULL CHECK (event IN ('FAILED', 'MISSING', 'HASH_MISMATCH', 'RESOLVED', 'REMINDER', 'TEST')),
                      -- One notification per (occurrence, verdict, route): the key makes a duplicate impossible.
                      dedup_key TEXT NOT NULL UNIQUE,
                      payload TEXT NOT NULL CHECK (json_valid(payload)),
                      created_at TEXT NOT NULL,
                      next_attempt_at TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                      -- A deliverer claims a row before sending, so two processes never send it both.
                      claimed_until TEXT,
                      delivered_at TEXT,
                      gave_up_at TEXT,
                      last_error TEXT
                    );
                    CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
                    -- When each route was last told about each job (reminders), without scanning the outbox.
                    CREATE INDEX outbox_job_route ON outbox(job, route, created_at);
                    CREATE TABLE scan (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      started_at TEXT NOT NULL,
                      finished_at TEXT,
                      clock TEXT NOT NULL,
                      summary TEXT CHECK (summary IS NULL OR json_valid(summary))
                    );
                    """)
        }
        // The verdicts, events and channel kinds a row may hold were CHECK lists copied from the
        // code; they become tables that ``Vocabulary`` fills from the code's own lists at every
        // open, so a new verdict, event or channel needs no migration at all. SQLite cannot
        // change a CHECK, so the four tables that had one are rebuilt once, rows and ids kept.
        migrator.registerMigration("v2-vocabulary-tables") { db in
            try db.execute(
                sql: """
                    CREATE TABLE verdict_name (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    CREATE TABLE event_name (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    CREATE TABLE channel_kind (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    """)
            try Vocabulary.fill(SQLiteConnection(db))
            try db.execute(
                sql: """
                    CREATE TABLE new_alert_route (
                      name TEXT PRIMARY KEY NOT NULL,
                      channel TEXT NOT NULL REFERENCES channel_kind(name),
                      spec TEXT NOT NULL CHECK (json_valid(spec)),
                      revision_id INTEGER NOT NULL REFERENCES revision(id)
                    );
                    INSERT INTO new_alert_route (name, channel, spec, revision_id) SELECT name, channel, spec, revision_id FROM alert_route;
                    DROP TABLE alert_route;
                    ALTER TABLE new_alert_route RENAME TO alert_route;

                    CREATE TABLE new_occurrence (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      job TEXT NOT NULL REFERENCES job(name),
                      scheduled_at TEXT NOT NULL,
                      window_end TEXT NOT NULL CHECK (window_end > scheduled_at),
                      state TEXT NOT NULL REFERENCES verdict_name(name),
                      late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
                      finished_at TEXT,
                      message TEXT,
                      version_id TEXT,
                      decided_at TEXT,
                      UNIQUE (job, scheduled_at)
                    );
                    INSERT INTO new_occurrence (id, job, scheduled_at, window_end, state, late, finished_at, message, version_id, decided_at)
                      SELECT id, job, scheduled_at, window_end, state, late, finished_at, message, version_id, decided_at FROM occurrence;
                    DROP TABLE occurrence;
                    ALTER TABLE new_occurrence RENAME TO occurrence;

                    CREATE TABLE new_status_file (
                      job TEXT NOT NULL REFERENCES job(name),
                      sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                      occurrence_id INTEGER REFERENCES occurrence(id),
                      status TEXT CHECK (status IN ('SUCCESS', 'FAILED')),
                      finished_at TEXT,
                      received_at TEXT NOT NULL,
                      verdict TEXT NOT NULL REFERENCES verdict_name(name),
                      message TEXT,
                      PRIMARY KEY (job, sha256)
                    );
                    INSERT INTO new_status_file (job, sha256, occurrence_id, status, finished_at, received_at, verdict, message)
                      SELECT job, sha256, occurrence_id, status, finished_at, received_at, verdict, message FROM status_file;
                    DROP TABLE status_file;
                    ALTER TABLE new_status_file RENAME TO status_file;

                    CREATE TABLE new_outbox (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      route TEXT NOT NULL,
                      job TEXT NOT NULL,
                      event TEXT NOT NULL REFERENCES event_name(name),
                      dedup_key TEXT NOT NULL UNIQUE,
                      payload TEXT NOT NULL CHECK (json_valid(payload)),
                      created_at TEXT NOT NULL,
                      next_attempt_at TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                      claimed_until TEXT,
                      delivered_at TEXT,
                      gave_up_at TEXT,
                      last_error TEXT
                    );
                    INSERT INTO new_outbox (id, route, job, event, dedup_key, payload, created_at, next_attempt_at, attempts,
                                            claimed_until, delivered_at, gave_up_at, last_error)
                      SELECT id, route, job, event, dedup_key, payload, created_at, next_attempt_at, attempts,
                             claimed_until, delivered_at, gave_up_at, last_error FROM outbox;
                    DROP TABLE outbox;
                    ALTER TABLE new_outbox RENAME TO outbox;
                    CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
                    CREATE INDEX outbox_job_route ON outbox(job, route, created_at);
                    """)
        }
        // Catching silent failures (SPEC §15): each run's figures, judged against the job's own
        // history (SUSPICIOUS); each promoted file's size and SHA-256, which the scrub re-checks
        // (CORRUPTED), and when each version was last checked and what was found.
        migrator.registerMigration("v3-run-figures-and-scrub") { db in
            try db.execute(
                sql: """
                    ALTER TABLE occurrence ADD COLUMN bytes INTEGER CHECK (bytes >= 0);
                    ALTER TABLE occurrence ADD COLUMN files INTEGER CHECK (files >= 0);
                    ALTER TABLE occurrence ADD COLUMN duration_seconds REAL;
                    CREATE INDEX occurrence_finished ON occurrence(job, state, finished_at);
                    ALTER TABLE version ADD COLUMN checked_at TEXT;
                    ALTER TABLE version ADD COLUMN corrupted TEXT;
                    CREATE TABLE version_file (
                      job TEXT NOT NULL,
                      version_id TEXT NOT NULL,
                      path TEXT NOT NULL,
                      size INTEGER NOT NULL CHECK (size >= 0),
                      sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
                      PRIMARY KEY (job, version_id, path),
                      FOREIGN KEY (job, version_id) REFERENCES version(job, id)
                    ) WITHOUT ROWID;
                    """)
        }
        // The scrub checks a large version over several scans (its budget is per scan) and must
        // survive a restart without starting that version over: each file is marked once checked
        // in the current round, and the marks are cleared when the round of its version ends.
        migrator.registerMigration("v4-scrub-progress") { db in
            try db.execute(
                sql: """
                    ALTER TABLE version_file ADD COLUMN checked_in_round INTEGER NOT NULL DEFAULT 0 CHECK (checked_in_round IN (0, 1));
                    CREATE INDEX version_scrub_order ON version(checked_at) WHERE deleted_at IS NULL;
                    CREATE INDEX version_corrupted ON version(job) WHERE corrupted IS NOT NULL AND deleted_at IS NULL;
                    """)
        }
        // Silences and maintenance (SPEC §16): silences added with `monitor silence add` live here
        // (those declared in YAML travel in the job specs); a notification recorded while a
        // silence held keeps its row, marked silenced, and is never claimed for delivery.
        migrator.registerMigration("v5-silences") { db in
            try db.execute(
                sql: """
                    CREATE TABLE silence (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      match TEXT NOT NULL CHECK (json_valid(match)),
                      starts_at TEXT,
                      ends_at TEXT NOT NULL,
                      reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
                      created_at TEXT NOT NULL,
                      created_by TEXT NOT NULL,
                      -- Set by `monitor silence expire`, which also ends it then.
                      expired_at TEXT,
                      CHECK (starts_at IS NULL OR starts_at <= ends_at)
                    );
                    CREATE INDEX silence_ends ON silence(ends_at);
                    ALTER TABLE outbox ADD COLUMN silenced INTEGER NOT NULL DEFAULT 0 CHECK (silenced IN (0, 1));
                    -- An occurrence a silenced notification was about: its history says so.
                    ALTER TABLE occurrence ADD COLUMN silenced INTEGER NOT NULL DEFAULT 0 CHECK (silenced IN (0, 1));
                    """)
        }
        // Pings of `source: ping` jobs (SPEC §13), as the daemon received them. A finish is paired
        // with its start when it arrives (`started_at`); the scan turns finishes, and starts left
        // open past their deadline, into runs recorded in status_file, then marks them processed.
        // Processed pings beyond the newest few of a job are deleted, so the table stays small.
        migrator.registerMigration("v6-pings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ping (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      job TEXT NOT NULL REFERENCES job(name),
                      kind TEXT NOT NULL CHECK (kind IN ('start', 'success', 'fail', 'log')),
                      exit_code INTEGER CHECK (exit_code BETWEEN 0 AND 255),
                      rid TEXT,
                      received_at TEXT NOT NULL,
                      body TEXT NOT NULL DEFAULT '' CHECK (length(CAST(body AS BLOB)) <= 102400),
                      -- A finish: when the start it pairs with arrived (its run's duration).
                      started_at TEXT,
                      -- A start: 1 while no finish ended it and no later start replaced it.
                      open INTEGER NOT NULL DEFAULT 0 CHECK (open IN (0, 1)),
                      -- 1 once the scan has nothing left to do with it.
                      processed INTEGER NOT NULL DEFAULT 0 CHECK (processed IN (0, 1))
                    );
                    CREATE INDEX ping_job ON ping(job, id);
                    CREATE INDEX ping_unprocessed ON ping(job, id) WHERE processed = 0;
                    """)
        }
        // Agents of a shared state (SPEC §12): each host's `monitor run` or `scan --host` records a
        // heartbeat at every scan; an agent silent for three of its scan intervals is down. The
        // table exists in SQLite states too (so `state copy` can carry it), where nothing writes it.
        migrator.registerMigration("v7-agents") { db in
            try db.execute(
                sql: """
                    CREATE TABLE agent (
                      name TEXT PRIMARY KEY NOT NULL,
                      first_seen TEXT NOT NULL,
                      last_seen TEXT NOT NULL,
                      version TEXT NOT NULL,
                      destinations TEXT NOT NULL CHECK (json_valid(destinations)),
                      scan_interval_seconds INTEGER NOT NULL CHECK (scan_interval_seconds > 0),
                      -- Set when another agent found it down (and AGENT_DOWN was queued); cleared when it is back.
                      down_since TEXT
                    );
                    """)
        }
        return migrator
    }
}
