/// A request that names a column family or access group wrongly for what it asks (a
/// `PATCH` of a table, counters). `ErrorMapping` answers 409 for one that already exists and
/// 404 for one that does not, with the code Hypertable uses for the same condition
/// (ALREADY_EXISTS, COLUMN_FAMILY_NOT_FOUND, BAD_SCHEMA for an access group), and 400 for
/// counters on a family that is not a COUNTER family.
enum SchemaReferenceError: Error, Equatable {
    case columnFamilyExists(String)
    case columnFamilyNotFound(String)
    case accessGroupExists(String)
    case accessGroupNotFound(String)
    case notACounterFamily(String)
}
