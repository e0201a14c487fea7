import HypertableClient
import Thrift

// The handlers of the ThriftBroker methods beyond `HypertableService`'s: the `*_as_arrays`,
// `*_serialized` and `hql_*2` encodings of existing calls (converted here, served for any
// service), and the calls of `HypertableExtendedService` (served only when the service
// conforms; otherwise UNKNOWN_METHOD, as for a method the processor does not know).

extension ThriftBrokerProcessor {
    static func registerVariantHandlers(into table: inout [String: MethodHandler]) {
        func register(_ names: String..., handler: MethodHandler) {
            for name in names { table[name] = handler }
        }
        let handle: @Sendable (inout ThriftBinaryReader) throws -> HandleArguments = { try HandleArguments.read(from: &$0) }
        let tableOnly: @Sendable (inout ThriftBinaryReader) throws -> TableArguments = { try TableArguments.read(from: &$0) }
        let row: @Sendable (inout ThriftBinaryReader) throws -> RowArguments = { try RowArguments.read(from: &$0) }
        let hql: @Sendable (inout ThriftBinaryReader) throws -> HQLArguments = { try HQLArguments.read(from: &$0) }
        let withScanSpec: @Sendable (inout ThriftBinaryReader) throws -> TableValueArguments<ScanSpec> = {
            try TableValueArguments.read(from: &$0, defaultValue: ScanSpec())
        }
        let futureResult: @Sendable (inout ThriftBinaryReader) throws -> FutureGetResultArguments = {
            try FutureGetResultArguments.read(from: &$0)
        }

        // Reads as arrays (`list<CellAsArray>`) and serialized (`CellsSerialized`, ended EOS).
        register("get_row_as_arrays", handler: .returning(row) { arrays(try $0.getRow($1.namespace, $1.table, row: $1.row)) })
        register("get_row_serialized", handler: .returning(row) {
            try serialized(try $0.getRow($1.namespace, $1.table, row: $1.row))
        })
        register("get_cells_as_arrays", handler: .returning(withScanSpec) {
            arrays(try $0.getCells($1.namespace, $1.table, scanSpec: $1.value))
        })
        register("get_cells_serialized", handler: .returning(withScanSpec) {
            try serialized(try $0.getCells($1.namespace, $1.table, scanSpec: $1.value))
        })
        register("next_cells_as_arrays", "scanner_get_cells_as_arrays", handler: .returning(handle) {
            arrays(try $0.scannerNextCells($1.id))
        })
        register("next_row_as_arrays", "scanner_get_row_as_arrays", handler: .returning(handle) {
            arrays(try $0.scannerNextRow($1.id))
        })
        register("next_cells_serialized", "scanner_get_cells_serialized", handler: .returning(handle) {
            ThriftBinary(try extended("next_cells_serialized", $0).scannerNextCellsSerialized($1.id))
        })
        register("next_row_serialized", "scanner_get_row_serialized", handler: .returning(handle) {
            ThriftBinary(try extended("next_row_serialized", $0).scannerNextRowSerialized($1.id))
        })

        // HQL with cells as arrays: HqlResultAsArrays and HqlResult2 have one shape.
        register("hql_exec_as_arrays", "hql_exec2", handler: .returning(hql) {
            HQLResultAsArrays(try $0.hqlExec($1.namespace, $1.command, noFlush: $1.noFlush, unbuffered: $1.unbuffered))
        })
        register("hql_query_as_arrays", "hql_query2", handler: .returning(hql) {
            HQLResultAsArrays(try $0.hqlQuery($1.namespace, $1.command))
        })

        // Writes from arrays and serialized buffers. As in ThriftBroker.cc, `set_cell*` opens
        // the table's mutator before converting the cells (so a bad namespace or table is
        // reported before a bad cell), while a mutator call converts its cells before looking
        // up the mutator (`_set_cells`).
        register("set_cell_as_array", handler: .void({
            try TableValueArguments<[ThriftBinary]>.read(from: &$0, defaultValue: [])
        }) { service, arguments in
            let cell = try afterTableCheck(service, arguments.namespace, arguments.table) {
                () throws(ClientException) in try CellAsArray.decode(arguments.value.map(\.bytes))
            }
            try service.setCell(arguments.namespace, arguments.table, cell: cell)
        })
        register("set_cells_as_arrays", handler: .void({
            try TableValueArguments<[[ThriftBinary]]>.read(from: &$0, defaultValue: [])
        }) { service, arguments in
            let converted = try afterTableCheck(service, arguments.namespace, arguments.table) {
                () throws(ClientException) in try cells(arguments.value)
            }
            try service.setCells(arguments.namespace, arguments.table, cells: converted)
        })
        register("set_cells_serialized", handler: .void({
            try TableValueArguments<ThriftBinary>.read(from: &$0, defaultValue: ThriftBinary([]))
        }) { service, arguments in
            let converted = try afterTableCheck(service, arguments.namespace, arguments.table) { () throws(ClientException) in
                var reader = try SerializedCellsReader(arguments.value.bytes)
                return try reader.readAll()
            }
            try service.setCells(arguments.namespace, arguments.table, cells: converted)
        })
        register("mutator_set_cell_as_array", handler: .void({
            try MutatorValueArguments<[ThriftBinary]>.read(from: &$0, defaultValue: [])
        }) { try $0.mutatorSetCell($1.mutator, cell: try CellAsArray.decode($1.value.map(\.bytes))) })
        register("mutator_set_cells_as_arrays", handler: .void({
            try MutatorValueArguments<[[ThriftBinary]]>.read(from: &$0, defaultValue: [])
        }) { try $0.mutatorSetCells($1.mutator, cells: try cells($1.value)) })
        // `flush` (field 3) or the buffer's FLUSH end flag asks for a flush after the cells.
        register("mutator_set_cells_serialized", handler: .void({ try SerializedMutatorArguments.read(from: &$0) }) {
            service, arguments in
            var reader = try SerializedCellsReader(arguments.cells)
            try service.mutatorSetCells(arguments.mutator, cells: try reader.readAll())
            if arguments.flush || reader.flush { try service.mutatorFlush(arguments.mutator) }
        })

        // Tables
        register("refresh_table", handler: .void(tableOnly) {
            try extended("refresh_table", $0).refreshTable($1.namespace, $1.table)
        })
        register("table_get_id", "get_table_id", handler: .returning(tableOnly) {
            try extended("table_get_id", $0).tableGetID($1.namespace, $1.table)
        })
        register("table_get_schema_str_with_ids", "get_schema_str_with_ids", handler: .returning(tableOnly) {
            try extended("table_get_schema_str_with_ids", $0).getSchemaStringWithIDs($1.namespace, $1.table)
        })
        register("table_get_splits", "get_table_splits", handler: .returning(tableOnly) {
            try $0.tableGetSplits($1.namespace, $1.table)
        })

        // Shared mutators
        register("shared_mutator_refresh", "refresh_shared_mutator", handler: .void({
            try SharedMutatorArguments<Bool>.read(from: &$0)
        }) { try extended("shared_mutator_refresh", $0).sharedMutatorRefresh($1.namespace, $1.table, spec: $1.spec) })
        register("shared_mutator_set_cells", "offer_cells", handler: .void({
            try SharedMutatorArguments<[Cell]>.read(from: &$0)
        }) {
            try extended("shared_mutator_set_cells", $0).sharedMutatorSetCells(
                $1.namespace, $1.table, spec: $1.spec, cells: $1.cells ?? [])
        })
        register("shared_mutator_set_cell", "offer_cell", handler: .void({
            try SharedMutatorArguments<Cell>.read(from: &$0)
        }) {
            try extended("shared_mutator_set_cell", $0).sharedMutatorSetCells(
                $1.namespace, $1.table, spec: $1.spec, cells: [$1.cells ?? Cell(key: Key(row: []))])
        })
        register("shared_mutator_set_cells_as_arrays", "offer_cells_as_arrays", handler: .void({
            try SharedMutatorArguments<[[ThriftBinary]]>.read(from: &$0)
        }) {
            try extended("shared_mutator_set_cells_as_arrays", $0).sharedMutatorSetCells(
                $1.namespace, $1.table, spec: $1.spec, cells: try cells($1.cells ?? []))
        })
        register("shared_mutator_set_cell_as_array", "offer_cell_as_array", handler: .void({
            try SharedMutatorArguments<[ThriftBinary]>.read(from: &$0)
        }) {
            try extended("shared_mutator_set_cell_as_array", $0).sharedMutatorSetCells(
                $1.namespace, $1.table, spec: $1.spec, cells: [try CellAsArray.decode(($1.cells ?? []).map(\.bytes))])
        })

        // Futures
        register("future_open", "open_future", handler: .returning({ try FutureOpenArguments.read(from: &$0) }) {
            try extended("future_open", $0).futureOpen(capacity: $1.capacity)
        })
        register("future_cancel", "cancel_future", handler: .void(handle) { try extended("future_cancel", $0).futureCancel($1.id) })
        register("future_get_result", "get_future_result", handler: .returning(futureResult) {
            try extended("future_get_result", $0).futureGetResult($1.future, timeoutMilliseconds: $1.timeoutMilliseconds)
        })
        register("future_get_result_as_arrays", "get_future_result_as_arrays", handler: .returning(futureResult) {
            let result = try extended("future_get_result_as_arrays", $0)
                .futureGetResult($1.future, timeoutMilliseconds: $1.timeoutMilliseconds)
            return try scanOnly(result).mapCells { (cells) throws(ClientException) in CellArrays(cells.map(CellAsArray.encode)) }
        })
        register("future_get_result_serialized", "get_future_result_serialized", handler: .returning(futureResult) {
            let result = try extended("future_get_result_serialized", $0)
                .futureGetResult($1.future, timeoutMilliseconds: $1.timeoutMilliseconds)
            return try scanOnly(result).mapCells { (cells) throws(ClientException) in
                SerializedCells(try SerializedCellsWriter.serialize(cells))
            }
        })
        register("future_is_empty", handler: .returning(handle) { try extended("future_is_empty", $0).futureIsEmpty($1.id) })
        register("future_is_full", handler: .returning(handle) { try extended("future_is_full", $0).futureIsFull($1.id) })
        register("future_is_cancelled", handler: .returning(handle) {
            try extended("future_is_cancelled", $0).futureIsCancelled($1.id)
        })
        register("future_has_outstanding", handler: .returning(handle) {
            try extended("future_has_outstanding", $0).futureHasOutstanding($1.id)
        })
        register("future_close", "close_future", handler: .void(handle) { try extended("future_close", $0).futureClose($1.id) })

        // Async scanners
        register("async_scanner_open", "open_scanner_async", handler: .returning({
            try AsyncOpenArguments.read(from: &$0, defaultValue: ScanSpec())
        }) {
            try extended("async_scanner_open", $0).asyncScannerOpen($1.namespace, $1.table, future: $1.future, scanSpec: $1.value)
        })
        register("async_scanner_cancel", "cancel_scanner_async", handler: .void(handle) {
            try extended("async_scanner_cancel", $0).asyncScannerCancel($1.id)
        })
        register("async_scanner_close", "close_scanner_async", handler: .void(handle) {
            try extended("async_scanner_close", $0).asyncScannerClose($1.id)
        })

        // Async mutators
        register("async_mutator_open", "open_mutator_async", handler: .returning({
            try AsyncOpenArguments<Int32>.read(from: &$0, defaultValue: 0)
        }) {
            try extended("async_mutator_open", $0).asyncMutatorOpen($1.namespace, $1.table, future: $1.future, flags: $1.value)
        })
        register("async_mutator_set_cell", "set_cell_async", handler: .void({
            try MutatorValueArguments.read(from: &$0, defaultValue: Cell(key: Key(row: [])))
        }) { try extended("async_mutator_set_cell", $0).asyncMutatorSetCells($1.mutator, cells: [$1.value]) })
        register("async_mutator_set_cells", "set_cells_async", handler: .void({
            try MutatorValueArguments<[Cell]>.read(from: &$0, defaultValue: [])
        }) { try extended("async_mutator_set_cells", $0).asyncMutatorSetCells($1.mutator, cells: $1.value) })
        register("async_mutator_set_cell_as_array", "set_cell_as_array_async", handler: .void({
            try MutatorValueArguments<[ThriftBinary]>.read(from: &$0, defaultValue: [])
        }) {
            try extended("async_mutator_set_cell_as_array", $0).asyncMutatorSetCells(
                $1.mutator, cells: [try CellAsArray.decode($1.value.map(\.bytes))])
        })
        register("async_mutator_set_cells_as_arrays", "set_cells_as_arrays_async", handler: .void({
            try MutatorValueArguments<[[ThriftBinary]]>.read(from: &$0, defaultValue: [])
        }) { try extended("async_mutator_set_cells_as_arrays", $0).asyncMutatorSetCells($1.mutator, cells: try cells($1.value)) })
        register("async_mutator_set_cells_serialized", "set_cells_serialized_async", handler: .void({
            try SerializedMutatorArguments.read(from: &$0)
        }) { service, arguments in
            let service = try extended("async_mutator_set_cells_serialized", service)
            var reader = try SerializedCellsReader(arguments.cells)
            try service.asyncMutatorSetCells(arguments.mutator, cells: try reader.readAll())
            if arguments.flush || reader.flush { try service.asyncMutatorFlush(arguments.mutator) }
        })
        register("async_mutator_flush", "flush_mutator_async", handler: .void(handle) {
            try extended("async_mutator_flush", $0).asyncMutatorFlush($1.id)
        })
        register("async_mutator_cancel", "cancel_mutator_async", handler: .void(handle) {
            try extended("async_mutator_cancel", $0).asyncMutatorCancel($1.id)
        })
        register("async_mutator_close", "close_mutator_async", handler: .void(handle) {
            try extended("async_mutator_close", $0).asyncMutatorClose($1.id)
        })

        // Misc. `generate_guid` declares no exception in the IDL.
        register("generate_guid", handler: .returning({ try NoArguments.read(from: &$0) }, declaresClientException: false) {
            service, _ in try extended("generate_guid", service).generateGUID()
        })
        register("create_cell_unique", handler: .returning({ try CreateCellUniqueArguments.read(from: &$0) }) {
            try $0.createCellUnique($1.namespace, $1.table, key: $1.key, value: $1.value)
        })
        register("shutdown", handler: .void({ try NoArguments.read(from: &$0) }) { service, _ in
            try extended("shutdown", service).shutdown()
        })
    }

    /// The service as a `HypertableExtendedService`, or UNKNOWN_METHOD.
    private static func extended(_ method: String, _ service: any HypertableService) throws -> any HypertableExtendedService {
        guard let extended = service as? any HypertableExtendedService else {
            throw ThriftApplicationException(.unknownMethod, "Unknown function \(method)")
        }
        return extended
    }

    /// `convert` the call's cells; when they do not convert, the namespace and table are
    /// checked first (an empty `set_cells`, which writes nothing), so their errors win as in
    /// ThriftBroker.cc, where `_open_mutator` runs before the conversion.
    private static func afterTableCheck<T>(_ service: any HypertableService, _ namespace: Int64, _ table: String,
                                           _ convert: () throws(ClientException) -> T) throws -> T {
        do {
            return try convert()
        } catch {
            try service.setCells(namespace, table, cells: [])
            throw error
        }
    }

    private static func arrays(_ cells: [Cell]) -> [[ThriftBinary]] {
        cells.map { CellAsArray.encode($0).map(ThriftBinary.init) }
    }

    private static func cells(_ arrays: [[ThriftBinary]]) throws(ClientException) -> [Cell] {
        var cells: [Cell] = []
        cells.reserveCapacity(arrays.count)
        for array in arrays { cells.append(try CellAsArray.decode(array.map(\.bytes))) }
        return cells
    }

    /// A whole answer as one buffer, ended EOB|EOS (`get_cells_serialized`, `get_row_serialized`).
    private static func serialized(_ cells: [Cell]) throws(ClientException) -> ThriftBinary {
        ThriftBinary(try SerializedCellsWriter.serialize(cells))
    }

    /// `_convert_result_as_arrays` / `_convert_result_serialized` refuse a mutator's result
    /// (it is already taken off the queue by then).
    private static func scanOnly(_ result: FutureResult<[Cell]>) throws(ClientException) -> FutureResult<[Cell]> {
        if !result.isEmpty && !result.isScan {
            throw ClientException(.notImplemented, "Support for asynchronous mutators not yet implemented")
        }
        return result
    }
}
