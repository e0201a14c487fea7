/// Hypertable error codes and texts, from `src/cc/Common/Error.h` and `Error.cc` of
/// Hypertable 0.9.8.11: the codes a `ClientException` carries. Names are Hypertable's.
public enum HypertableErrorCode: Int32, Sendable, CaseIterable {
    case failedExpectation = -1
    case ok = 0
    case protocolError = 1
    case requestTruncated = 2
    case responseTruncated = 3
    case requestTimeout = 4
    case localIoError = 5
    case badRootLocation = 6
    case badSchema = 7
    case invalidMetadata = 8
    case badKey = 9
    case metadataNotFound = 10
    case hqlParseError = 11
    case fileNotFound = 12
    case blockCompressorUnsupportedType = 13
    case blockCompressorInvalidArg = 14
    case blockCompressorTruncated = 15
    case blockCompressorBadHeader = 16
    case blockCompressorBadMagic = 17
    case blockCompressorChecksumMismatch = 18
    case blockCompressorDeflateError = 19
    case blockCompressorInflateError = 20
    case blockCompressorInitError = 21
    case tableNotFound = 22
    case malformedRequest = 23
    case tooManyColumns = 24
    case badDomainName = 25
    case commandParseError = 26
    case connectErrorMaster = 27
    case connectErrorHyperspace = 28
    case badMemoryAllocation = 29
    case badScanSpec = 30
    case notImplemented = 31
    case versionMismatch = 32
    case cancelled = 33
    case schemaParseError = 34
    case syntaxError = 35
    case doubleUnget = 36
    case emptyBloomfilter = 37
    case bloomfilterChecksumMismatch = 38
    case nameAlreadyInUse = 39
    case namespaceDoesNotExist = 40
    case badNamespace = 41
    case namespaceExists = 42
    case noResponse = 43
    case notAllowed = 44
    case inducedFailure = 45
    case serverShuttingDown = 46
    case locationUnassigned = 47
    case alreadyExists = 48
    case checksumMismatch = 49
    case closed = 50
    case rangeserverNotFound = 51
    case connectionNotInitialized = 52
    case duplicateRange = 53
    case invalidPseudoTableName = 54
    case badFormat = 55
    case invalidArgument = 56
    case invalidOperation = 57
    case unsupportedOperation = 58
    case columnFamilyNotFound = 59
    case nothingToDo = 60
    case incompatibleOptions = 61
    case badValue = 62
    case schemaGenerationMismatch = 63
    case invalidMethodIdentifier = 64
    case serverNotReady = 65
    case configBadArgument = 1001
    case configBadCfgFile = 1002
    case configGetError = 1003
    case configBadValue = 1004
    case commNotConnected = 0x10001
    case commBrokenConnection = 0x10002
    case commConnectError = 0x10003
    case commAlreadyConnected = 0x10004
    case commSendError = 0x10006
    case commReceiveError = 0x10007
    case commPollError = 0x10008
    case commConflictingAddress = 0x10009
    case commSocketError = 0x1000a
    case commBindError = 0x1000b
    case commListenError = 0x1000c
    case commHeaderChecksumMismatch = 0x1000d
    case commPayloadChecksumMismatch = 0x1000e
    case commBadHeader = 0x1000f
    case commInvalidProxy = 0x10010
    case fsbrokerBadFileHandle = 0x20001
    case fsbrokerIoError = 0x20002
    case fsbrokerFileNotFound = 0x20003
    case fsbrokerBadFilename = 0x20004
    case fsbrokerPermissionDenied = 0x20005
    case fsbrokerInvalidArgument = 0x20006
    case fsbrokerInvalidConfig = 0x20007
    case fsbrokerEof = 0x20008
    case hyperspaceIoError = 0x30001
    case hyperspaceCreateFailed = 0x30002
    case hyperspaceFileNotFound = 0x30003
    case hyperspaceAttrNotFound = 0x30004
    case hyperspaceDeleteError = 0x30005
    case hyperspaceBadPathname = 0x30006
    case hyperspacePermissionDenied = 0x30007
    case hyperspaceExpiredSession = 0x30008
    case hyperspaceFileExists = 0x30009
    case hyperspaceIsDirectory = 0x3000a
    case hyperspaceInvalidHandle = 0x3000b
    case hyperspaceRequestCancelled = 0x3000c
    case hyperspaceModeRestriction = 0x3000d
    case hyperspaceAlreadyLocked = 0x3000e
    case hyperspaceLockConflict = 0x3000f
    case hyperspaceNotLocked = 0x30010
    case hyperspaceBadAttribute = 0x30011
    case hyperspaceBerkeleydbError = 0x30012
    case hyperspaceDirNotEmpty = 0x30013
    case hyperspaceBerkeleydbDeadlock = 0x30014
    case hyperspaceBerkeleydbRepHandleDead = 0x30015
    case hyperspaceFileOpen = 0x30016
    case hyperspaceCliParseError = 0x30017
    case hyperspaceCreateSessionFailed = 0x30018
    case hyperspaceNotMasterLocation = 0x30019
    case hyperspaceStatedbError = 0x3001a
    case hyperspaceStatedbDeadlock = 0x3001b
    case hyperspaceStatedbBadKey = 0x3001c
    case hyperspaceStatedbBadValue = 0x3001d
    case hyperspaceStatedbAlreadyDeleted = 0x3001e
    case hyperspaceStatedbEventExists = 0x3001f
    case hyperspaceStatedbEventNotExists = 0x30020
    case hyperspaceStatedbEventAttrNotFound = 0x30021
    case hyperspaceStatedbSessionExists = 0x30022
    case hyperspaceStatedbSessionNotExists = 0x30023
    case hyperspaceStatedbSessionAttrNotFound = 0x30024
    case hyperspaceStatedbHandleExists = 0x30025
    case hyperspaceStatedbHandleNotExists = 0x30026
    case hyperspaceStatedbHandleAttrNotFound = 0x30027
    case hyperspaceStatedbNodeExists = 0x30028
    case hyperspaceStatedbNodeNotExists = 0x30029
    case hyperspaceStatedbNodeAttrNotFound = 0x3002a
    case hyperspaceVersionMismatch = 0x30030
    case masterTableExists = 0x40001
    case masterBadSchema = 0x40002
    case masterNotRunning = 0x40003
    case masterNoRangeservers = 0x40004
    case masterFileNotLocked = 0x40005
    case masterRangeserverAlreadyRegistered = 0x40006
    case masterBadColumnFamily = 0x40007
    case masterSchemaGenerationMismatch = 0x40008
    case masterLocationAlreadyAssigned = 0x40009
    case masterLocationInvalid = 0x4000a
    case masterOperationInProgress = 0x4000b
    case masterRangeserverInRecovery = 0x4000c
    case masterBalancePrevented = 0x4000d
    case rangeserverGenerationMismatch = 0x50001
    case rangeserverRangeAlreadyLoaded = 0x50002
    case rangeserverRangeMismatch = 0x50003
    case rangeserverNonexistentRange = 0x50004
    case rangeserverOutOfRange = 0x50005
    case rangeserverRangeNotFound = 0x50006
    case rangeserverInvalidScannerID = 0x50007
    case rangeserverSchemaParseError = 0x50008
    case rangeserverSchemaInvalidCfid = 0x50009
    case rangeserverInvalidColumnfamily = 0x5000a
    case rangeserverTruncatedCommitLog = 0x5000b
    case rangeserverNoMetadataForRange = 0x5000c
    case rangeserverShuttingDown = 0x5000d
    case rangeserverCorruptCommitLog = 0x5000e
    case rangeserverUnavailable = 0x5000f
    case rangeserverRevisionOrderError = 0x50010
    case rangeserverRowOverflow = 0x50011
    case rangeserverTableNotFound = 0x50012
    case rangeserverBadScanSpec = 0x50013
    case rangeserverClockSkew = 0x50014
    case rangeserverBadCellstoreFilename = 0x50015
    case rangeserverCorruptCellstore = 0x50016
    case rangeserverTableDropped = 0x50017
    case rangeserverUnexpectedTableID = 0x50018
    case rangeserverRangeBusy = 0x50019
    case rangeserverBadCellInterval = 0x5001a
    case rangeserverShortCellstoreRead = 0x5001b
    case rangeserverRangeNotActive = 0x5001c
    case rangeserverFragmentAlreadyProcessed = 0x5001d
    case rangeserverRecoveryPlanGenerationMismatch = 0x5001e
    case rangeserverPhantomRangeMapNotFound = 0x5001f
    case rangeserverRangesAlreadyLive = 0x50020
    case rangeserverRangeNotYetAcknowledged = 0x50021
    case rangeserverServerInReadonlyMode = 0x50022
    case rangeserverRangeNotYetRelinquished = 0x50023
    case hqlBadLoadFileFormat = 0x60001
    case hqlBadCommand = 0x60002
    case metalogError = 0x70000
    case metalogVersionMismatch = 0x70001
    case metalogBadRsHeader = 0x70002
    case metalogBadHeader = 0x70003
    case metalogEntryTruncated = 0x70004
    case metalogChecksumMismatch = 0x70005
    case metalogEntryBadType = 0x70006
    case metalogEntryBadOrder = 0x70007
    case metalogMissingRecoverEntity = 0x70008
    case metalogBackupFileMismatch = 0x70009
    case metalogReadError = 0x7000a
    case serializationInputOverrun = 0x80001
    case serializationBadVint = 0x80002
    case serializationBadVstr = 0x80003
    case serializationVersionMismatch = 0x80004
    case thriftBrokerBadScannerID = 0x90001
    case thriftBrokerBadMutatorID = 0x90002
    case thriftBrokerBadNamespaceID = 0x90003
    case thriftBrokerBadFutureID = 0x90004

    /// The name in `Error.h` (`TABLE_NOT_FOUND`).
    public var name: String {
        switch self {
        case .failedExpectation: return "FAILED_EXPECTATION"
        case .ok: return "OK"
        case .protocolError: return "PROTOCOL_ERROR"
        case .requestTruncated: return "REQUEST_TRUNCATED"
        case .responseTruncated: return "RESPONSE_TRUNCATED"
        case .requestTimeout: return "REQUEST_TIMEOUT"
        case .localIoError: return "LOCAL_IO_ERROR"
        case .badRootLocation: return "BAD_ROOT_LOCATION"
        case .badSchema: return "BAD_SCHEMA"
        case .invalidMetadata: return "INVALID_METADATA"
        case .badKey: return "BAD_KEY"
        case .metadataNotFound: return "METADATA_NOT_FOUND"
        case .hqlParseError: return "HQL_PARSE_ERROR"
        case .fileNotFound: return "FILE_NOT_FOUND"
        case .blockCompressorUnsupportedType: return "BLOCK_COMPRESSOR_UNSUPPORTED_TYPE"
        case .blockCompressorInvalidArg: return "BLOCK_COMPRESSOR_INVALID_ARG"
        case .blockCompressorTruncated: return "BLOCK_COMPRESSOR_TRUNCATED"
        case .blockCompressorBadHeader: return "BLOCK_COMPRESSOR_BAD_HEADER"
        case .blockCompressorBadMagic: return "BLOCK_COMPRESSOR_BAD_MAGIC"
        case .blockCompressorChecksumMismatch: return "BLOCK_COMPRESSOR_CHECKSUM_MISMATCH"
        case .blockCompressorDeflateError: return "BLOCK_COMPRESSOR_DEFLATE_ERROR"
        case .blockCompressorInflateError: return "BLOCK_COMPRESSOR_INFLATE_ERROR"
        case .blockCompressorInitError: return "BLOCK_COMPRESSOR_INIT_ERROR"
        case .tableNotFound: return "TABLE_NOT_FOUND"
        case .malformedRequest: return "MALFORMED_REQUEST"
        case .tooManyColumns: return "TOO_MANY_COLUMNS"
        case .badDomainName: return "BAD_DOMAIN_NAME"
        case .commandParseError: return "COMMAND_PARSE_ERROR"
        case .connectErrorMaster: return "CONNECT_ERROR_MASTER"
        case .connectErrorHyperspace: return "CONNECT_ERROR_HYPERSPACE"
        case .badMemoryAllocation: return "BAD_MEMORY_ALLOCATION"
        case .badScanSpec: return "BAD_SCAN_SPEC"
        case .notImplemented: return "NOT_IMPLEMENTED"
        case .versionMismatch: return "VERSION_MISMATCH"
        case .cancelled: return "CANCELLED"
        case .schemaParseError: return "SCHEMA_PARSE_ERROR"
        case .syntaxError: return "SYNTAX_ERROR"
        case .doubleUnget: return "DOUBLE_UNGET"
        case .emptyBloomfilter: return "EMPTY_BLOOMFILTER"
        case .bloomfilterChecksumMismatch: return "BLOOMFILTER_CHECKSUM_MISMATCH"
        case .nameAlreadyInUse: return "NAME_ALREADY_IN_USE"
        case .namespaceDoesNotExist: return "NAMESPACE_DOES_NOT_EXIST"
        case .badNamespace: return "BAD_NAMESPACE"
        case .namespaceExists: return "NAMESPACE_EXISTS"
        case .noResponse: return "NO_RESPONSE"
        case .notAllowed: return "NOT_ALLOWED"
        case .inducedFailure: return "INDUCED_FAILURE"
        case .serverShuttingDown: return "SERVER_SHUTTING_DOWN"
        case .locationUnassigned: return "LOCATION_UNASSIGNED"
        case .alreadyExists: return "ALREADY_EXISTS"
        case .checksumMismatch: return "CHECKSUM_MISMATCH"
        case .closed: return "CLOSED"
        case .rangeserverNotFound: return "RANGESERVER_NOT_FOUND"
        case .connectionNotInitialized: return "CONNECTION_NOT_INITIALIZED"
        case .duplicateRange: return "DUPLICATE_RANGE"
        case .invalidPseudoTableName: return "INVALID_PSEUDO_TABLE_NAME"
        case .badFormat: return "BAD_FORMAT"
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .invalidOperation: return "INVALID_OPERATION"
        case .unsupportedOperation: return "UNSUPPORTED_OPERATION"
        case .columnFamilyNotFound: return "COLUMN_FAMILY_NOT_FOUND"
        case .nothingToDo: return "NOTHING_TO_DO"
        case .incompatibleOptions: return "INCOMPATIBLE_OPTIONS"
        case .badValue: return "BAD_VALUE"
        case .schemaGenerationMismatch: return "SCHEMA_GENERATION_MISMATCH"
        case .invalidMethodIdentifier: return "INVALID_METHOD_IDENTIFIER"
        case .serverNotReady: return "SERVER_NOT_READY"
        case .configBadArgument: return "CONFIG_BAD_ARGUMENT"
        case .configBadCfgFile: return "CONFIG_BAD_CFG_FILE"
        case .configGetError: return "CONFIG_GET_ERROR"
        case .configBadValue: return "CONFIG_BAD_VALUE"
        case .commNotConnected: return "COMM_NOT_CONNECTED"
        case .commBrokenConnection: return "COMM_BROKEN_CONNECTION"
        case .commConnectError: return "COMM_CONNECT_ERROR"
        case .commAlreadyConnected: return "COMM_ALREADY_CONNECTED"
        case .commSendError: return "COMM_SEND_ERROR"
        case .commReceiveError: return "COMM_RECEIVE_ERROR"
        case .commPollError: return "COMM_POLL_ERROR"
        case .commConflictingAddress: return "COMM_CONFLICTING_ADDRESS"
        case .commSocketError: return "COMM_SOCKET_ERROR"
        case .commBindError: return "COMM_BIND_ERROR"
        case .commListenError: return "COMM_LISTEN_ERROR"
        case .commHeaderChecksumMismatch: return "COMM_HEADER_CHECKSUM_MISMATCH"
        case .commPayloadChecksumMismatch: return "COMM_PAYLOAD_CHECKSUM_MISMATCH"
        case .commBadHeader: return "COMM_BAD_HEADER"
        case .commInvalidProxy: return "COMM_INVALID_PROXY"
        case .fsbrokerBadFileHandle: return "FSBROKER_BAD_FILE_HANDLE"
        case .fsbrokerIoError: return "FSBROKER_IO_ERROR"
        case .fsbrokerFileNotFound: return "FSBROKER_FILE_NOT_FOUND"
        case .fsbrokerBadFilename: return "FSBROKER_BAD_FILENAME"
        case .fsbrokerPermissionDenied: return "FSBROKER_PERMISSION_DENIED"
        case .fsbrokerInvalidArgument: return "FSBROKER_INVALID_ARGUMENT"
        case .fsbrokerInvalidConfig: return "FSBROKER_INVALID_CONFIG"
        case .fsbrokerEof: return "FSBROKER_EOF"
        case .hyperspaceIoError: return "HYPERSPACE_IO_ERROR"
        case .hyperspaceCreateFailed: return "HYPERSPACE_CREATE_FAILED"
        case .hyperspaceFileNotFound: return "HYPERSPACE_FILE_NOT_FOUND"
        case .hyperspaceAttrNotFound: return "HYPERSPACE_ATTR_NOT_FOUND"
        case .hyperspaceDeleteError: return "HYPERSPACE_DELETE_ERROR"
        case .hyperspaceBadPathname: return "HYPERSPACE_BAD_PATHNAME"
        case .hyperspacePermissionDenied: return "HYPERSPACE_PERMISSION_DENIED"
        case .hyperspaceExpiredSession: return "HYPERSPACE_EXPIRED_SESSION"
        case .hyperspaceFileExists: return "HYPERSPACE_FILE_EXISTS"
        case .hyperspaceIsDirectory: return "HYPERSPACE_IS_DIRECTORY"
        case .hyperspaceInvalidHandle: return "HYPERSPACE_INVALID_HANDLE"
        case .hyperspaceRequestCancelled: return "HYPERSPACE_REQUEST_CANCELLED"
        case .hyperspaceModeRestriction: return "HYPERSPACE_MODE_RESTRICTION"
        case .hyperspaceAlreadyLocked: return "HYPERSPACE_ALREADY_LOCKED"
        case .hyperspaceLockConflict: return "HYPERSPACE_LOCK_CONFLICT"
        case .hyperspaceNotLocked: return "HYPERSPACE_NOT_LOCKED"
        case .hyperspaceBadAttribute: return "HYPERSPACE_BAD_ATTRIBUTE"
        case .hyperspaceBerkeleydbError: return "HYPERSPACE_BERKELEYDB_ERROR"
        case .hyperspaceDirNotEmpty: return "HYPERSPACE_DIR_NOT_EMPTY"
        case .hyperspaceBerkeleydbDeadlock: return "HYPERSPACE_BERKELEYDB_DEADLOCK"
        case .hyperspaceBerkeleydbRepHandleDead: return "HYPERSPACE_BERKELEYDB_REP_HANDLE_DEAD"
        case .hyperspaceFileOpen: return "HYPERSPACE_FILE_OPEN"
        case .hyperspaceCliParseError: return "HYPERSPACE_CLI_PARSE_ERROR"
        case .hyperspaceCreateSessionFailed: return "HYPERSPACE_CREATE_SESSION_FAILED"
        case .hyperspaceNotMasterLocation: return "HYPERSPACE_NOT_MASTER_LOCATION"
        case .hyperspaceStatedbError: return "HYPERSPACE_STATEDB_ERROR"
        case .hyperspaceStatedbDeadlock: return "HYPERSPACE_STATEDB_DEADLOCK"
        case .hyperspaceStatedbBadKey: return "HYPERSPACE_STATEDB_BAD_KEY"
        case .hyperspaceStatedbBadValue: return "HYPERSPACE_STATEDB_BAD_VALUE"
        case .hyperspaceStatedbAlreadyDeleted: return "HYPERSPACE_STATEDB_ALREADY_DELETED"
        case .hyperspaceStatedbEventExists: return "HYPERSPACE_STATEDB_EVENT_EXISTS"
        case .hyperspaceStatedbEventNotExists: return "HYPERSPACE_STATEDB_EVENT_NOT_EXISTS"
        case .hyperspaceStatedbEventAttrNotFound: return "HYPERSPACE_STATEDB_EVENT_ATTR_NOT_FOUND"
        case .hyperspaceStatedbSessionExists: return "HYPERSPACE_STATEDB_SESSION_EXISTS"
        case .hyperspaceStatedbSessionNotExists: return "HYPERSPACE_STATEDB_SESSION_NOT_EXISTS"
        case .hyperspaceStatedbSessionAttrNotFound: return "HYPERSPACE_STATEDB_SESSION_ATTR_NOT_FOUND"
        case .hyperspaceStatedbHandleExists: return "HYPERSPACE_STATEDB_HANDLE_EXISTS"
        case .hyperspaceStatedbHandleNotExists: return "HYPERSPACE_STATEDB_HANDLE_NOT_EXISTS"
        case .hyperspaceStatedbHandleAttrNotFound: return "HYPERSPACE_STATEDB_HANDLE_ATTR_NOT_FOUND"
        case .hyperspaceStatedbNodeExists: return "HYPERSPACE_STATEDB_NODE_EXISTS"
        case .hyperspaceStatedbNodeNotExists: return "HYPERSPACE_STATEDB_NODE_NOT_EXISTS"
        case .hyperspaceStatedbNodeAttrNotFound: return "HYPERSPACE_STATEDB_NODE_ATTR_NOT_FOUND"
        case .hyperspaceVersionMismatch: return "HYPERSPACE_VERSION_MISMATCH"
        case .masterTableExists: return "MASTER_TABLE_EXISTS"
        case .masterBadSchema: return "MASTER_BAD_SCHEMA"
        case .masterNotRunning: return "MASTER_NOT_RUNNING"
        case .masterNoRangeservers: return "MASTER_NO_RANGESERVERS"
        case .masterFileNotLocked: return "MASTER_FILE_NOT_LOCKED"
        case .masterRangeserverAlreadyRegistered: return "MASTER_RANGESERVER_ALREADY_REGISTERED"
        case .masterBadColumnFamily: return "MASTER_BAD_COLUMN_FAMILY"
        case .masterSchemaGenerationMismatch: return "MASTER_SCHEMA_GENERATION_MISMATCH"
        case .masterLocationAlreadyAssigned: return "MASTER_LOCATION_ALREADY_ASSIGNED"
        case .masterLocationInvalid: return "MASTER_LOCATION_INVALID"
        case .masterOperationInProgress: return "MASTER_OPERATION_IN_PROGRESS"
        case .masterRangeserverInRecovery: return "MASTER_RANGESERVER_IN_RECOVERY"
        case .masterBalancePrevented: return "MASTER_BALANCE_PREVENTED"
        case .rangeserverGenerationMismatch: return "RANGESERVER_GENERATION_MISMATCH"
        case .rangeserverRangeAlreadyLoaded: return "RANGESERVER_RANGE_ALREADY_LOADED"
        case .rangeserverRangeMismatch: return "RANGESERVER_RANGE_MISMATCH"
        case .rangeserverNonexistentRange: return "RANGESERVER_NONEXISTENT_RANGE"
        case .rangeserverOutOfRange: return "RANGESERVER_OUT_OF_RANGE"
        case .rangeserverRangeNotFound: return "RANGESERVER_RANGE_NOT_FOUND"
        case .rangeserverInvalidScannerID: return "RANGESERVER_INVALID_SCANNER_ID"
        case .rangeserverSchemaParseError: return "RANGESERVER_SCHEMA_PARSE_ERROR"
        case .rangeserverSchemaInvalidCfid: return "RANGESERVER_SCHEMA_INVALID_CFID"
        case .rangeserverInvalidColumnfamily: return "RANGESERVER_INVALID_COLUMNFAMILY"
        case .rangeserverTruncatedCommitLog: return "RANGESERVER_TRUNCATED_COMMIT_LOG"
        case .rangeserverNoMetadataForRange: return "RANGESERVER_NO_METADATA_FOR_RANGE"
        case .rangeserverShuttingDown: return "RANGESERVER_SHUTTING_DOWN"
        case .rangeserverCorruptCommitLog: return "RANGESERVER_CORRUPT_COMMIT_LOG"
        case .rangeserverUnavailable: return "RANGESERVER_UNAVAILABLE"
        case .rangeserverRevisionOrderError: return "RANGESERVER_REVISION_ORDER_ERROR"
        case .rangeserverRowOverflow: return "RANGESERVER_ROW_OVERFLOW"
        case .rangeserverTableNotFound: return "RANGESERVER_TABLE_NOT_FOUND"
        case .rangeserverBadScanSpec: return "RANGESERVER_BAD_SCAN_SPEC"
        case .rangeserverClockSkew: return "RANGESERVER_CLOCK_SKEW"
        case .rangeserverBadCellstoreFilename: return "RANGESERVER_BAD_CELLSTORE_FILENAME"
        case .rangeserverCorruptCellstore: return "RANGESERVER_CORRUPT_CELLSTORE"
        case .rangeserverTableDropped: return "RANGESERVER_TABLE_DROPPED"
        case .rangeserverUnexpectedTableID: return "RANGESERVER_UNEXPECTED_TABLE_ID"
        case .rangeserverRangeBusy: return "RANGESERVER_RANGE_BUSY"
        case .rangeserverBadCellInterval: return "RANGESERVER_BAD_CELL_INTERVAL"
        case .rangeserverShortCellstoreRead: return "RANGESERVER_SHORT_CELLSTORE_READ"
        case .rangeserverRangeNotActive: return "RANGESERVER_RANGE_NOT_ACTIVE"
        case .rangeserverFragmentAlreadyProcessed: return "RANGESERVER_FRAGMENT_ALREADY_PROCESSED"
        case .rangeserverRecoveryPlanGenerationMismatch: return "RANGESERVER_RECOVERY_PLAN_GENERATION_MISMATCH"
        case .rangeserverPhantomRangeMapNotFound: return "RANGESERVER_PHANTOM_RANGE_MAP_NOT_FOUND"
        case .rangeserverRangesAlreadyLive: return "RANGESERVER_RANGES_ALREADY_LIVE"
        case .rangeserverRangeNotYetAcknowledged: return "RANGESERVER_RANGE_NOT_YET_ACKNOWLEDGED"
        case .rangeserverServerInReadonlyMode: return "RANGESERVER_SERVER_IN_READONLY_MODE"
        case .rangeserverRangeNotYetRelinquished: return "RANGESERVER_RANGE_NOT_YET_RELINQUISHED"
        case .hqlBadLoadFileFormat: return "HQL_BAD_LOAD_FILE_FORMAT"
        case .hqlBadCommand: return "HQL_BAD_COMMAND"
        case .metalogError: return "METALOG_ERROR"
        case .metalogVersionMismatch: return "METALOG_VERSION_MISMATCH"
        case .metalogBadRsHeader: return "METALOG_BAD_RS_HEADER"
        case .metalogBadHeader: return "METALOG_BAD_HEADER"
        case .metalogEntryTruncated: return "METALOG_ENTRY_TRUNCATED"
        case .metalogChecksumMismatch: return "METALOG_CHECKSUM_MISMATCH"
        case .metalogEntryBadType: return "METALOG_ENTRY_BAD_TYPE"
        case .metalogEntryBadOrder: return "METALOG_ENTRY_BAD_ORDER"
        case .metalogMissingRecoverEntity: return "METALOG_MISSING_RECOVER_ENTITY"
        case .metalogBackupFileMismatch: return "METALOG_BACKUP_FILE_MISMATCH"
        case .metalogReadError: return "METALOG_READ_ERROR"
        case .serializationInputOverrun: return "SERIALIZATION_INPUT_OVERRUN"
        case .serializationBadVint: return "SERIALIZATION_BAD_VINT"
        case .serializationBadVstr: return "SERIALIZATION_BAD_VSTR"
        case .serializationVersionMismatch: return "SERIALIZATION_VERSION_MISMATCH"
        case .thriftBrokerBadScannerID: return "THRIFTBROKER_BAD_SCANNER_ID"
        case .thriftBrokerBadMutatorID: return "THRIFTBROKER_BAD_MUTATOR_ID"
        case .thriftBrokerBadNamespaceID: return "THRIFTBROKER_BAD_NAMESPACE_ID"
        case .thriftBrokerBadFutureID: return "THRIFTBROKER_BAD_FUTURE_ID"
        }
    }

    /// The text `Error::get_text` gives (what `error_get_text` answers).
    public var text: String {
        switch self {
        case .failedExpectation: return "HYPERTABLE failed expectation"
        case .ok: return "HYPERTABLE ok"
        case .protocolError: return "HYPERTABLE protocol error"
        case .requestTruncated: return "HYPERTABLE request truncated"
        case .responseTruncated: return "HYPERTABLE response truncated"
        case .requestTimeout: return "HYPERTABLE request timeout"
        case .localIoError: return "HYPERTABLE local i/o error"
        case .badRootLocation: return "HYPERTABLE bad root location"
        case .badSchema: return "HYPERTABLE bad schema"
        case .invalidMetadata: return "HYPERTABLE invalid metadata"
        case .badKey: return "HYPERTABLE bad key"
        case .metadataNotFound: return "HYPERTABLE metadata not found"
        case .hqlParseError: return "HYPERTABLE HQL parse error"
        case .fileNotFound: return "HYPERTABLE file not found"
        case .blockCompressorUnsupportedType: return "HYPERTABLE block compressor unsupported type"
        case .blockCompressorInvalidArg: return "HYPERTABLE block compressor invalid arg"
        case .blockCompressorTruncated: return "HYPERTABLE block compressor block truncated"
        case .blockCompressorBadHeader: return "HYPERTABLE block compressor bad block header"
        case .blockCompressorBadMagic: return "HYPERTABLE block compressor bad magic string"
        case .blockCompressorChecksumMismatch: return "HYPERTABLE block compressor block checksum mismatch"
        case .blockCompressorDeflateError: return "HYPERTABLE block compressor deflate error"
        case .blockCompressorInflateError: return "HYPERTABLE block compressor inflate error"
        case .blockCompressorInitError: return "HYPERTABLE block compressor initialization error"
        case .tableNotFound: return "HYPERTABLE table does not exist"
        case .malformedRequest: return "HYPERTABLE malformed request"
        case .tooManyColumns: return "HYPERTABLE too many columns"
        case .badDomainName: return "HYPERTABLE bad domain name"
        case .commandParseError: return "HYPERTABLE command parse error"
        case .connectErrorMaster: return "HYPERTABLE Master connect error"
        case .connectErrorHyperspace: return "HYPERTABLE Hyperspace client connect error"
        case .badMemoryAllocation: return "HYPERTABLE bad memory allocation"
        case .badScanSpec: return "HYPERTABLE bad scan specification"
        case .notImplemented: return "HYPERTABLE not implemented"
        case .versionMismatch: return "HYPERTABLE version mismatch"
        case .cancelled: return "HYPERTABLE cancelled"
        case .schemaParseError: return "HYPERTABLE schema parse error"
        case .syntaxError: return "HYPERTABLE syntax error"
        case .doubleUnget: return "HYPERTABLE double unget"
        case .emptyBloomfilter: return "HYPERTABLE empty bloom filter"
        case .bloomfilterChecksumMismatch: return "HYPERTABLE bloom filter checksum mismatch"
        case .nameAlreadyInUse: return "HYPERTABLE name already in use"
        case .namespaceDoesNotExist: return "HYPERTABLE namespace does not exist"
        case .badNamespace: return "HYPERTABLE bad namespace"
        case .namespaceExists: return "HYPERTABLE namespace exists"
        case .noResponse: return "HYPERTABLE no response"
        case .notAllowed: return "HYPERTABLE not allowed"
        case .inducedFailure: return "HYPERTABLE induced failure"
        case .serverShuttingDown: return "HYPERTABLE server shutting down"
        case .locationUnassigned: return "HYPERTABLE location unassigned"
        case .alreadyExists: return "HYPERTABLE cell already exists"
        case .checksumMismatch: return "HYPERTABLE checksum mismatch"
        case .closed: return "HYPERTABLE closed"
        case .rangeserverNotFound: return "HYPERTABLE RangeServer not found"
        case .connectionNotInitialized: return "HYPERTABLE connection not initialized"
        case .duplicateRange: return "HYPERTABLE duplicate range"
        case .invalidPseudoTableName: return "HYPERTABLE invalid pseudo-table name"
        case .badFormat: return "HYPERTABLE bad format"
        case .invalidArgument: return "HYPERTABLE invalid argument"
        case .invalidOperation: return "HYPERTABLE invalid operation"
        case .unsupportedOperation: return "HYPERTABLE unsupported operation"
        case .columnFamilyNotFound: return "HYPERTABLE column family not found"
        case .nothingToDo: return "HYPERTABLE nothing to do"
        case .incompatibleOptions: return "HYPERTABLE incompatible options"
        case .badValue: return "HYPERTABLE bad value"
        case .schemaGenerationMismatch: return "HYPERTABLE schema generation mismatch"
        case .invalidMethodIdentifier: return "HYPERTABLE invalid method identifier"
        case .serverNotReady: return "HYPERTABLE server not ready"
        case .configBadArgument: return "CONFIG bad argument(s)"
        case .configBadCfgFile: return "CONFIG bad cfg file"
        case .configGetError: return "CONFIG failed to get config value"
        case .configBadValue: return "CONFIG bad config value"
        case .commNotConnected: return "COMM not connected"
        case .commBrokenConnection: return "COMM broken connection"
        case .commConnectError: return "COMM connect error"
        case .commAlreadyConnected: return "COMM already connected"
        case .commSendError: return "COMM send error"
        case .commReceiveError: return "COMM receive error"
        case .commPollError: return "COMM poll error"
        case .commConflictingAddress: return "COMM conflicting address"
        case .commSocketError: return "COMM socket error"
        case .commBindError: return "COMM bind error"
        case .commListenError: return "COMM listen error"
        case .commHeaderChecksumMismatch: return "COMM header checksum mismatch"
        case .commPayloadChecksumMismatch: return "COMM payload checksum mismatch"
        case .commBadHeader: return "COMM bad header"
        case .commInvalidProxy: return "COMM invalid proxy"
        case .fsbrokerBadFileHandle: return "FS BROKER bad file handle"
        case .fsbrokerIoError: return "FS BROKER i/o error"
        case .fsbrokerFileNotFound: return "FS BROKER file not found"
        case .fsbrokerBadFilename: return "FS BROKER bad filename"
        case .fsbrokerPermissionDenied: return "FS BROKER permission denied"
        case .fsbrokerInvalidArgument: return "FS BROKER invalid argument"
        case .fsbrokerInvalidConfig: return "FS BROKER invalid config value"
        case .fsbrokerEof: return "FS BROKER end of file"
        case .hyperspaceIoError: return "HYPERSPACE i/o error"
        case .hyperspaceCreateFailed: return "HYPERSPACE create failed"
        case .hyperspaceFileNotFound: return "HYPERSPACE file not found"
        case .hyperspaceAttrNotFound: return "HYPERSPACE attribute not found"
        case .hyperspaceDeleteError: return "HYPERSPACE delete error"
        case .hyperspaceBadPathname: return "HYPERSPACE bad pathname"
        case .hyperspacePermissionDenied: return "HYPERSPACE permission denied"
        case .hyperspaceExpiredSession: return "HYPERSPACE expired session"
        case .hyperspaceFileExists: return "HYPERSPACE file exists"
        case .hyperspaceIsDirectory: return "HYPERSPACE is directory"
        case .hyperspaceInvalidHandle: return "HYPERSPACE invalid handle"
        case .hyperspaceRequestCancelled: return "HYPERSPACE request cancelled"
        case .hyperspaceModeRestriction: return "HYPERSPACE mode restriction"
        case .hyperspaceAlreadyLocked: return "HYPERSPACE already locked"
        case .hyperspaceLockConflict: return "HYPERSPACE lock conflict"
        case .hyperspaceNotLocked: return "HYPERSPACE not locked"
        case .hyperspaceBadAttribute: return "HYPERSPACE bad attribute"
        case .hyperspaceBerkeleydbError: return "HYPERSPACE Berkeley DB error"
        case .hyperspaceDirNotEmpty: return "HYPERSPACE directory not empty"
        case .hyperspaceBerkeleydbDeadlock: return "HYPERSPACE Berkeley DB deadlock"
        case .hyperspaceBerkeleydbRepHandleDead: return "HYPERSPACE Berkeley DB replication handle dead"
        case .hyperspaceFileOpen: return "HYPERSPACE file open"
        case .hyperspaceCliParseError: return "HYPERSPACE CLI parse error"
        case .hyperspaceCreateSessionFailed: return "HYPERSPACE unable to create session "
        case .hyperspaceNotMasterLocation: return "HYPERSPACE not master location"
        case .hyperspaceStatedbError: return "HYPERSPACE State DB error"
        case .hyperspaceStatedbDeadlock: return "HYPERSPACE State DB deadlock"
        case .hyperspaceStatedbBadKey: return "HYPERSPACE State DB bad key"
        case .hyperspaceStatedbBadValue: return "HYPERSPACE State DB bad value"
        case .hyperspaceStatedbAlreadyDeleted: return "HYPERSPACE State DB attempt to access/delete previously deleted state"
        case .hyperspaceStatedbEventExists: return "HYPERSPACE State DB event exists"
        case .hyperspaceStatedbEventNotExists: return "HYPERSPACE State DB event does not exist"
        case .hyperspaceStatedbEventAttrNotFound: return "HYPERSPACE State DB event attr not found"
        case .hyperspaceStatedbSessionExists: return "HYPERSPACE State DB session exists"
        case .hyperspaceStatedbSessionNotExists: return "HYPERSPACE State DB session does not exist"
        case .hyperspaceStatedbSessionAttrNotFound: return "HYPERSPACE State DB session attr not found"
        case .hyperspaceStatedbHandleExists: return "HYPERSPACE State DB handle exists"
        case .hyperspaceStatedbHandleNotExists: return "HYPERSPACE State DB handle does not exist"
        case .hyperspaceStatedbHandleAttrNotFound: return "HYPERSPACE State DB handle attr not found"
        case .hyperspaceStatedbNodeExists: return "HYPERSPACE State DB node exists"
        case .hyperspaceStatedbNodeNotExists: return "HYPERSPACE State DB node does not exist"
        case .hyperspaceStatedbNodeAttrNotFound: return "HYPERSPACE State DB node attr not found"
        case .hyperspaceVersionMismatch: return "HYPERSPACE client/server protocol version mismatch"
        case .masterTableExists: return "MASTER table exists"
        case .masterBadSchema: return "MASTER bad schema"
        case .masterNotRunning: return "MASTER not running"
        case .masterNoRangeservers: return "MASTER no range servers"
        case .masterFileNotLocked: return "MASTER file not locked"
        case .masterRangeserverAlreadyRegistered: return "MASTER range server with same location already registered"
        case .masterBadColumnFamily: return "MASTER bad column family"
        case .masterSchemaGenerationMismatch: return "Master schema generation mismatch"
        case .masterLocationAlreadyAssigned: return "MASTER location already assigned"
        case .masterLocationInvalid: return "MASTER location invalid"
        case .masterOperationInProgress: return "MASTER operation in progress"
        case .masterRangeserverInRecovery: return "MASTER RangeServer in recovery"
        case .masterBalancePrevented: return "MASTER balance operation prevented"
        case .rangeserverGenerationMismatch: return "RANGE SERVER generation mismatch"
        case .rangeserverRangeAlreadyLoaded: return "RANGE SERVER range already loaded"
        case .rangeserverRangeMismatch: return "RANGE SERVER range mismatch"
        case .rangeserverNonexistentRange: return "RANGE SERVER non-existent range"
        case .rangeserverOutOfRange: return "RANGE SERVER out of range"
        case .rangeserverRangeNotFound: return "RANGE SERVER range not found"
        case .rangeserverInvalidScannerID: return "RANGE SERVER invalid scanner id"
        case .rangeserverSchemaParseError: return "RANGE SERVER schema parse error"
        case .rangeserverSchemaInvalidCfid: return "RANGE SERVER invalid column family id"
        case .rangeserverInvalidColumnfamily: return "RANGE SERVER invalid column family"
        case .rangeserverTruncatedCommitLog: return "RANGE SERVER truncated commit log"
        case .rangeserverNoMetadataForRange: return "RANGE SERVER no metadata for range"
        case .rangeserverShuttingDown: return "RANGE SERVER shutting down"
        case .rangeserverCorruptCommitLog: return "RANGE SERVER corrupt commit log"
        case .rangeserverUnavailable: return "RANGE SERVER unavailable"
        case .rangeserverRevisionOrderError: return "RANGE SERVER supplied revision is not strictly increasing"
        case .rangeserverRowOverflow: return "RANGE SERVER row overflow"
        case .rangeserverTableNotFound: return "RANGE SERVER table not found"
        case .rangeserverBadScanSpec: return "RANGE SERVER bad scan specification"
        case .rangeserverClockSkew: return "RANGE SERVER clock skew detected"
        case .rangeserverBadCellstoreFilename: return "RANGE SERVER bad CellStore filename"
        case .rangeserverCorruptCellstore: return "RANGE SERVER corrupt CellStore"
        case .rangeserverTableDropped: return "RANGE SERVER table dropped"
        case .rangeserverUnexpectedTableID: return "RANGE SERVER unexpected table ID"
        case .rangeserverRangeBusy: return "RANGE SERVER range busy"
        case .rangeserverBadCellInterval: return "RANGE SERVER bad cell interval"
        case .rangeserverShortCellstoreRead: return "RANGE SERVER short cellstore read"
        case .rangeserverRangeNotActive: return "RANGE SERVER range no longer active"
        case .rangeserverFragmentAlreadyProcessed: return "RANGE SERVER fragment already processed"
        case .rangeserverRecoveryPlanGenerationMismatch: return "RANGE SERVER recovery plan generation mismatch"
        case .rangeserverPhantomRangeMapNotFound: return "RANGE SERVER phantom range map not found"
        case .rangeserverRangesAlreadyLive: return "RANGE SERVER ranges already live"
        case .rangeserverRangeNotYetAcknowledged: return "RANGE SERVER range not yet acknowledged"
        case .rangeserverServerInReadonlyMode: return "RANGE SERVER server in readonly mode"
        case .rangeserverRangeNotYetRelinquished: return "RANGE SERVER range not yet relinquished"
        case .hqlBadLoadFileFormat: return "HQL bad load file format"
        case .hqlBadCommand: return "HQL bad command"
        case .metalogError: return "metalog error"
        case .metalogVersionMismatch: return "METALOG version mismatch"
        case .metalogBadRsHeader: return "METALOG bad range server metalog header"
        case .metalogBadHeader: return "METALOG bad metalog header"
        case .metalogEntryTruncated: return "METALOG entry truncated"
        case .metalogChecksumMismatch: return "METALOG checksum mismatch"
        case .metalogEntryBadType: return "METALOG bad entry type"
        case .metalogEntryBadOrder: return "METALOG entry out of order"
        case .metalogMissingRecoverEntity: return "METALOG missing RECOVER entity"
        case .metalogBackupFileMismatch: return "METALOG backup file mismatch"
        case .metalogReadError: return "METALOG read error"
        case .serializationInputOverrun: return "SERIALIZATION input buffer overrun"
        case .serializationBadVint: return "SERIALIZATION bad vint encoding"
        case .serializationBadVstr: return "SERIALIZATION bad vstr encoding"
        case .serializationVersionMismatch: return "SERIALIZATION version mismatch"
        case .thriftBrokerBadScannerID: return "THRIFT BROKER bad scanner id"
        case .thriftBrokerBadMutatorID: return "THRIFT BROKER bad mutator id"
        case .thriftBrokerBadNamespaceID: return "THRIFT BROKER bad namespace id"
        case .thriftBrokerBadFutureID: return "THRIFT BROKER bad future id"
        }
    }
}
