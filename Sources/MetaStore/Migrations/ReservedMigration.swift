/// Migration 8: reserved for a change developed in parallel on another branch; a no-op here.
///
/// Merge note: when the branch that owns version 8 is merged, its migration replaces this placeholder (the two must
/// never both be listed). A database migrated with this placeholder has an empty version 8 and must be recreated.
enum ReservedMigration {
    static let migration = Migration(version: 8, name: "reserved", ddl: [])
}
