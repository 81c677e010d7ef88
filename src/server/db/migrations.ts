/**
 * Numbered schema migrations, applied in order; `PRAGMA user_version` holds the number of the last
 * applied migration. Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: instance, users, sessions, throttling, uploads, election, keys, audit log
  `
  CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL,
    phase INTEGER NOT NULL DEFAULT 1 CHECK (phase IN (1, 2, 3))
  );

  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('beheerder', 'verkiezingsleider', 'invoer', 'alleen_lezen')),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL
  );

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL
  );

  CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('definition', 'candidate_lists', 'municipality_key')),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    bytes BLOB NOT NULL,
    hash TEXT NOT NULL,
    context_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );

  CREATE TABLE election (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    election_id TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    subcategory TEXT NOT NULL,
    election_date TEXT NOT NULL,
    nomination_date TEXT,
    number_of_seats INTEGER NOT NULL,
    preference_threshold INTEGER NOT NULL,
    kieskring_number INTEGER NOT NULL,
    kieskring_name TEXT NOT NULL,
    definition_file_name TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    definition_bytes BLOB NOT NULL,
    definition_json TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id)
  );

  CREATE TABLE regions (
    category TEXT NOT NULL CHECK (category IN ('STAAT', 'KIESKRING', 'GEMEENTE')),
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    superior_category TEXT,
    superior_number INTEGER,
    committee_category TEXT,
    committee_name TEXT,
    PRIMARY KEY (category, number)
  );

  CREATE TABLE candidate_lists_file (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    file_name TEXT NOT NULL,
    hash TEXT NOT NULL,
    bytes BLOB NOT NULL,
    contest_id TEXT NOT NULL,
    contest_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id)
  );

  CREATE TABLE affiliations (
    list_number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    publish_gender INTEGER NOT NULL CHECK (publish_gender IN (0, 1)),
    belongs_to_set INTEGER
  );

  CREATE TABLE candidates (
    list_number INTEGER NOT NULL REFERENCES affiliations(list_number) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    initials TEXT NOT NULL,
    first_name TEXT,
    prefix TEXT,
    last_name TEXT NOT NULL,
    gender TEXT,
    locality TEXT,
    PRIMARY KEY (list_number, position)
  );

  CREATE TABLE own_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    subject TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    not_before TEXT NOT NULL,
    not_after TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    file_name TEXT NOT NULL,
    private_key_file TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id)
  );

  CREATE TABLE municipality_keys (
    code TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    not_before TEXT NOT NULL,
    not_after TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id)
  );

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT,
    role TEXT,
    action TEXT NOT NULL,
    details_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  `,
  // 2: phase 2 (steminvoer): the double-entry state per municipality and the append-only entry history
  `
  CREATE TABLE count_units (
    code TEXT PRIMARY KEY CHECK (length(code) = 4),
    kind TEXT NOT NULL CHECK (kind IN ('empty', 'first_in_progress', 'first_with_errors', 'first_done',
      'second_in_progress', 'differences', 'complete')),
    claimed_by INTEGER REFERENCES users(id),
    state_json TEXT NOT NULL,
    meta_json TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX count_units_kind ON count_units(kind);
  CREATE INDEX count_units_claimed_by ON count_units(claimed_by);

  CREATE TABLE count_history (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT,
    role TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    entry INTEGER,
    source TEXT,
    form_json TEXT,
    details_json TEXT NOT NULL DEFAULT '{}',
    state_after TEXT NOT NULL
  );
  CREATE INDEX count_history_code ON count_history(code, id);
  CREATE TRIGGER count_history_no_update BEFORE UPDATE ON count_history
    BEGIN SELECT RAISE(ABORT, 'count_history is append-only'); END;
  CREATE TRIGGER count_history_no_delete BEFORE DELETE ON count_history
    BEGIN SELECT RAISE(ABORT, 'count_history is append-only'); END;
  `,
  // 3: phase 3 (documents): PV free text, generated document sets (immutable files; a set becomes
  // void, never changed otherwise, when the phase goes back from 3: linked to that audit record)
  `
  CREATE TABLE pv_details (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    details_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id)
  );

  CREATE TABLE document_sets (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    creation_datetime TEXT NOT NULL,
    eml_hash TEXT NOT NULL,
    voided_at TEXT,
    voided_audit_id INTEGER
  );
  CREATE UNIQUE INDEX document_sets_one_valid ON document_sets((voided_at IS NULL)) WHERE voided_at IS NULL;
  CREATE TRIGGER document_sets_only_void BEFORE UPDATE ON document_sets
    WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL OR NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at
      OR NEW.created_by IS NOT OLD.created_by OR NEW.creation_datetime IS NOT OLD.creation_datetime OR NEW.eml_hash IS NOT OLD.eml_hash
    BEGIN SELECT RAISE(ABORT, 'a document set can only be voided'); END;

  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES document_sets(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (set_id, kind)
  );
  CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
    BEGIN SELECT RAISE(ABORT, 'generated documents never change'); END;

  CREATE TRIGGER documents_void_on_phase_back AFTER INSERT ON audit_log
    WHEN NEW.action = 'phase.change' AND json_extract(NEW.details_json, '$.from') = 3
    BEGIN UPDATE document_sets SET voided_at = NEW.at, voided_audit_id = NEW.id WHERE voided_at IS NULL; END;
  `,
  // 4: the gemeente installation: the stemgebied (a kieskring = HSB, or a municipality = gemeente),
  // polling stations and the municipality's number of eligible voters; count units are municipalities
  // ('0034') or polling stations ('SB1'), so count_units.code is rebuilt without the 4-character check
  `
  ALTER TABLE election ADD COLUMN stemgebied_category TEXT NOT NULL DEFAULT 'KIESKRING'
    CHECK (stemgebied_category IN ('KIESKRING', 'GEMEENTE'));
  ALTER TABLE election ADD COLUMN municipality_number INTEGER;
  ALTER TABLE election ADD COLUMN municipality_name TEXT;

  CREATE TABLE polling_stations (
    number INTEGER PRIMARY KEY CHECK (number > 0),
    name TEXT NOT NULL CHECK (length(name) > 0),
    postcode TEXT CHECK (postcode IS NULL OR postcode GLOB '[1-9][0-9][0-9][0-9] [A-Z][A-Z]'),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE gemeente_setup (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    eligible_voters INTEGER NOT NULL CHECK (eligible_voters >= 0),
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id)
  );

  CREATE TABLE count_units_v4 (
    code TEXT PRIMARY KEY CHECK (code GLOB '[0-9][0-9][0-9][0-9]' OR (code GLOB 'SB[1-9]*' AND substr(code, 3) NOT GLOB '*[^0-9]*')),
    kind TEXT NOT NULL CHECK (kind IN ('empty', 'first_in_progress', 'first_with_errors', 'first_done',
      'second_in_progress', 'differences', 'complete')),
    claimed_by INTEGER REFERENCES users(id),
    state_json TEXT NOT NULL,
    meta_json TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  INSERT INTO count_units_v4 (code, kind, claimed_by, state_json, meta_json, version, updated_at)
    SELECT code, kind, claimed_by, state_json, meta_json, version, updated_at FROM count_units;
  DROP TABLE count_units;
  ALTER TABLE count_units_v4 RENAME TO count_units;
  CREATE INDEX count_units_kind ON count_units(kind);
  CREATE INDEX count_units_claimed_by ON count_units(claimed_by);
  `,
  // 5: the count files an HSB imported (the municipalities' signed zips, exact bytes; guide step 14
  // archives them), stored in the transaction of the import; append-only. Generated documents and
  // their sets can no longer be deleted either (destruction drops and re-creates these triggers).
  `
  CREATE TABLE imported_count_files (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by INTEGER REFERENCES users(id)
  );
  CREATE TRIGGER imported_count_files_no_update BEFORE UPDATE ON imported_count_files
    BEGIN SELECT RAISE(ABORT, 'imported count files never change'); END;
  CREATE TRIGGER imported_count_files_no_delete BEFORE DELETE ON imported_count_files
    BEGIN SELECT RAISE(ABORT, 'imported count files are kept'); END;
  CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
    BEGIN SELECT RAISE(ABORT, 'generated documents are kept'); END;
  CREATE TRIGGER document_sets_no_delete BEFORE DELETE ON document_sets
    BEGIN SELECT RAISE(ABORT, 'document sets are kept'); END;
  `,
  // 6: the audit log is append-only, like count_history (vernietigen drops and re-creates these
  // triggers inside its one transaction, as it does for the other election tables); the election
  // leader's approvals of replacing a municipality's key after phase 1
  `
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

  -- After phase 1 a municipality's key is replaced only after the election leader confirmed that
  -- replacement (the new certificate's fingerprint, with a reason); an approval is used once.
  CREATE TABLE key_replace_approvals (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by INTEGER NOT NULL REFERENCES users(id),
    used_at TEXT
  );

  -- Units completed by an earlier version have no hashes in the audit log: the first start after this
  -- migration records them once (integrity.ts baselineLegacyUnits), then removes this marker.
  CREATE TABLE integrity_baseline_pending (id INTEGER PRIMARY KEY CHECK (id = 1));
  INSERT INTO integrity_baseline_pending (id) SELECT 1 WHERE EXISTS (SELECT 1 FROM count_units WHERE kind = 'complete');
  `,
  // 7: practice mode ("OEFENING", issue 12), chosen at "Aanmaken verkiezing": past elections allowed,
  // the own certificate valid from now, every screen, PV, CSV and file name marked as practice
  `
  ALTER TABLE election ADD COLUMN practice INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1));
  `,
  // 8: the CSB installation (centraal stembureau, stemgebied STAAT): `election.staat` = 1 marks it
  // (kieskring_number/kieskring_name then hold the STAAT region, 1 'Nederland'; stemgebied_category
  // keeps its old CHECK and stays 'KIESKRING', state.ts reads the row as 'STAAT': added as a column so
  // that no other column of election is rebuilt); count units may be kieskringen ('HSB1'..'HSB20', as
  // the 510d's ReportingUnitVotes Ids); the 230b of every kieskring; the hoofdstembureaus' public keys;
  // uploads of those keys and of kieskring count zips; the lots drawn for the result (append-only, in
  // the order they were asked for; P 14; void when the phase goes back from 3).
  `
  ALTER TABLE election ADD COLUMN staat INTEGER NOT NULL DEFAULT 0 CHECK (staat IN (0, 1));

  CREATE TABLE count_units_csb (
    code TEXT PRIMARY KEY CHECK (code GLOB '[0-9][0-9][0-9][0-9]'
      OR (code GLOB 'SB[1-9]*' AND substr(code, 3) NOT GLOB '*[^0-9]*')
      OR (code GLOB 'HSB[1-9]*' AND substr(code, 4) NOT GLOB '*[^0-9]*')),
    kind TEXT NOT NULL CHECK (kind IN ('empty', 'first_in_progress', 'first_with_errors', 'first_done',
      'second_in_progress', 'differences', 'complete')),
    claimed_by INTEGER REFERENCES users(id),
    state_json TEXT NOT NULL,
    meta_json TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  INSERT INTO count_units_csb (code, kind, claimed_by, state_json, meta_json, version, updated_at)
    SELECT code, kind, claimed_by, state_json, meta_json, version, updated_at FROM count_units;
  DROP TABLE count_units;
  ALTER TABLE count_units_csb RENAME TO count_units;
  CREATE INDEX count_units_kind ON count_units(kind);
  CREATE INDEX count_units_claimed_by ON count_units(claimed_by);

  CREATE TABLE uploads_csb (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('definition', 'candidate_lists', 'municipality_key', 'hsb_key', 'kieskring_count')),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    bytes BLOB NOT NULL,
    hash TEXT NOT NULL,
    context_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  INSERT INTO uploads_csb SELECT id, kind, user_id, file_name, bytes, hash, context_json, created_at, expires_at FROM uploads;
  DROP TABLE uploads;
  ALTER TABLE uploads_csb RENAME TO uploads;

  CREATE TABLE csb_candidate_lists (
    kieskring INTEGER PRIMARY KEY CHECK (kieskring > 0),
    file_name TEXT NOT NULL,
    hash TEXT NOT NULL,
    bytes BLOB NOT NULL,
    contest_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id)
  );

  CREATE TABLE hsb_keys (
    kieskring INTEGER PRIMARY KEY CHECK (kieskring > 0),
    subject TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    not_before TEXT NOT NULL,
    not_after TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id)
  );

  CREATE TABLE csb_lots (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('seats', 'candidates')),
    list_number INTEGER CHECK ((kind = 'seats') = (list_number IS NULL)),
    stage TEXT NOT NULL,
    between_json TEXT NOT NULL,
    drawn_json TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    entered_by INTEGER NOT NULL REFERENCES users(id),
    voided_at TEXT
  );
  -- Back from phase 3 the counts may change: the lots drawn for the result then no longer apply (as the documents).
  CREATE TRIGGER csb_lots_void_on_phase_back AFTER INSERT ON audit_log
    WHEN NEW.action = 'phase.change' AND json_extract(NEW.details_json, '$.from') = 3
    BEGIN UPDATE csb_lots SET voided_at = NEW.at WHERE voided_at IS NULL; END;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
