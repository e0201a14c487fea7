import HTTPServer
import HypertableClient

/// The resource API beyond rows, cells and schemas, registered together so that `Gateway`
/// needs one line for them: many rows at once, table alteration, splits, single cell
/// versions, create-if-absent, range deletes and counters.
struct ResourceRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        RowBatchRoutes(pool: pool, handling: handling).register(in: &router)
        TableAlterRoutes(pool: pool, handling: handling).register(in: &router)
        SplitRoutes(pool: pool, handling: handling).register(in: &router)
        CellVersionRoutes(pool: pool, handling: handling).register(in: &router)
        UniqueCellRoutes(pool: pool, handling: handling).register(in: &router)
        RangeDeleteRoutes(pool: pool, handling: handling).register(in: &router)
        CounterRoutes(pool: pool, handling: handling).register(in: &router)
    }
}
