-- The learning paths shipped in content/learning-paths.toml that an import has offered once:
-- curriculum managers own them after that, so a path they deleted is not brought back.
CREATE TABLE shipped_paths (
    slug TEXT PRIMARY KEY,
    imported_at TEXT NOT NULL
);
