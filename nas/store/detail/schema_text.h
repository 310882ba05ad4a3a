#pragma once

// The trial store's schema. nas/store/schema.sql holds the same text for
// users (a test keeps the two identical).
namespace pinas::nas::detail {

inline constexpr const char* kSchemaSql = R"sql(-- The trial store: <experiment>/trials.db, SQLite in WAL mode.
-- Query it while a search runs:   sqlite3 runs/x/trials.db 'SELECT * FROM trials ORDER BY val_accuracy DESC LIMIT 5'
-- or from pandas:                 pandas.read_sql('SELECT * FROM trials', sqlite3.connect('runs/x/trials.db'))

-- Key/value facts about the experiment: 'config' (protobuf text of the
-- ExperimentConfig), 'schema_version', 'created_at', 'finished_at'.
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per candidate the search looked at, numbered from 0 without gaps.
CREATE TABLE IF NOT EXISTS trials (
  number          INTEGER PRIMARY KEY,
  genotype        TEXT NOT NULL UNIQUE,  -- canonical readable genotype (deduplication key)
  genotype_proto  BLOB,                  -- serialized pinas.pb.Genotype (empty for the synthetic space)
  decisions       TEXT NOT NULL,         -- the strategy's categorical decisions, comma-separated
  relus           INTEGER NOT NULL,      -- exact ReLU count, from the architecture before training
  macs            INTEGER NOT NULL,
  params          INTEGER NOT NULL,
  cost            REAL NOT NULL,         -- the objective's cost axis: ReLUs (RELUS) or predicted online seconds (PI_LATENCY)
  status          TEXT NOT NULL,         -- running | paused | complete | stopped | failed | over_budget | invalid
  rung            INTEGER NOT NULL,      -- successive-halving rung being trained or last reached
  epochs          INTEGER NOT NULL,      -- epochs trained so far
  val_accuracy    REAL,                  -- validation accuracy at the last rung reached (NULL if none)
  test_accuracy   REAL,
  failure_reason  TEXT NOT NULL,         -- why a trial failed or was invalid ('' otherwise)
  worker          TEXT NOT NULL,         -- 'embedded' or 'rank N'
  created_at      REAL NOT NULL,         -- unix seconds
  started_at      REAL NOT NULL,
  finished_at     REAL NOT NULL,
  train_seconds   REAL NOT NULL,
  job_sequence    INTEGER NOT NULL,      -- order jobs were issued; resume re-queues in this order
  model_path      TEXT NOT NULL          -- trained model file, relative to the experiment folder
);
CREATE INDEX IF NOT EXISTS trials_by_status ON trials(status);

-- One row per epoch a trial reported (a re-run after a resume replaces its rows).
CREATE TABLE IF NOT EXISTS epochs (
  trial           INTEGER NOT NULL REFERENCES trials(number),
  epoch           INTEGER NOT NULL,      -- 1-based
  train_loss      REAL NOT NULL,
  train_accuracy  REAL NOT NULL,
  val_accuracy    REAL NOT NULL,
  seconds         REAL NOT NULL,
  PRIMARY KEY (trial, epoch)
);

-- The strategy's state (its generator included), rewritten in the same
-- transaction as every ask and tell, so any kill point is consistent.
CREATE TABLE IF NOT EXISTS strategy_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  state       BLOB NOT NULL,
  updated_at  REAL NOT NULL
);
)sql";

}  // namespace pinas::nas::detail
