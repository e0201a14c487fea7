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
    public var name: String { Self.descriptions[self]?.name ?? "UNKNOWN" }

    /// The text `Error::get_text` gives (what `error_get_text` answers).
    public var text: String { Self.descriptions[self]?.text ?? "unknown error" }

    /// Every code's name and text, side by side: one table, one line a code, as `Error.cc`
    /// lists them (a test checks that every case has its line).
    static let descriptions: [HypertableErrorCode: (name: String, text: String)] = [
        .failedExpectation: ("FAILED_EXPECTATION", "HYPERTABLE failed expectation"),
        .ok: ("OK", "HYPERTABLE ok"),
        .protocolError: ("PROTOCOL_ERROR", "HYPERTABLE protocol error"),
        .requestTruncated: ("REQUEST_TRUNCATED", "HYPERTABLE request truncated"),
        .responseTruncated: ("RESPONSE_TRUNCATED", "HYPERTABLE response truncated"),
        .requestTimeout: ("REQUEST_TIMEOUT", "HYPERTABLE request timeout"),
        .localIoError: ("LOCAL_IO_ERROR", "HYPERTABLE local i/o error"),
        .badRootLocation: ("BAD_ROOT_LOCATION", "HYPERTABLE bad root location"),
        .badSchema: ("BAD_SCHEMA", "HYPERTABLE bad schema"),
        .invalidMetadata: ("INVALID_METADATA", "HYPERTABLE invalid metadata"),
        .badKey: ("BAD_KEY", "HYPERTABLE bad key"),
        .metadataNotFound: ("METADATA_NOT_FOUND", "HYPERTABLE metadata not found"),
        .hqlParseError: ("HQL_PARSE_ERROR", "HYPERTABLE HQL parse error"),
        .fileNotFound: ("FILE_NOT_FOUND", "HYPERTABLE file not found"),
        .blockCompressorUnsupportedType: ("BLOCK_COMPRESSOR_UNSUPPORTED_TYPE", "HYPERTABLE block compressor unsupported type"),
        .blockCompressorInvalidArg: ("BLOCK_COMPRESSOR_INVALID_ARG", "HYPERTABLE block compressor invalid arg"),
        .blockCompressorTruncated: ("BLOCK_COMPRESSOR_TRUNCATED", "HYPERTABLE block compressor block truncated"),
        .blockCompressorBadHeader: ("BLOCK_COMPRESSOR_BAD_HEADER", "HYPERTABLE block compressor bad block header"),
        .blockCompressorBadMagic: ("BLOCK_COMPRESSOR_BAD_MAGIC", "HYPERTABLE block compressor bad magic string"),
        .blockCompressorChecksumMismatch: ("BLOCK_COMPRESSOR_CHECKSUM_MISMATCH", "HYPERTABLE block compressor block checksum mismatch"),
        .blockCompressorDeflateError: ("BLOCK_COMPRESSOR_DEFLATE_ERROR", "HYPERTABLE block compressor deflate error"),
        .blockCompressorInflateError: ("BLOCK_COMPRESSOR_INFLATE_ERROR", "HYPERTABLE block compressor inflate error"),
        .blockCompressorInitError: ("BLOCK_COMPRESSOR_INIT_ERROR", "HYPERTABLE block compressor initialization error"),
        .tableNotFound: ("TABLE_NOT_FOUND", "HYPERTABLE table does not exist"),
        .malformedRequest: ("MALFORMED_REQUEST", "HYPERTABLE malformed request"),
        .tooManyColumns: ("TOO_MANY_COLUMNS", "HYPERTABLE too many columns"),
        .badDomainName: ("BAD_DOMAIN_NAME", "HYPERTABLE bad domain name"),
        .commandParseError: ("COMMAND_PARSE_ERROR", "HYPERTABLE command parse error"),
        .connectErrorMaster: ("CONNECT_ERROR_MASTER", "HYPERTABLE Master connect error"),
        .connectErrorHyperspace: ("CONNECT_ERROR_HYPERSPACE", "HYPERTABLE Hyperspace client connect error"),
        .badMemoryAllocation: ("BAD_MEMORY_ALLOCATION", "HYPERTABLE bad memory allocation"),
        .badScanSpec: ("BAD_SCAN_SPEC", "HYPERTABLE bad scan specification"),
        .notImplemented: ("NOT_IMPLEMENTED", "HYPERTABLE not implemented"),
        .versionMismatch: ("VERSION_MISMATCH", "HYPERTABLE version mismatch"),
        .cancelled: ("CANCELLED", "HYPERTABLE cancelled"),
        .schemaParseError: ("SCHEMA_PARSE_ERROR", "HYPERTABLE schema parse error"),
        .syntaxError: ("SYNTAX_ERROR", "HYPERTABLE syntax error"),
        .doubleUnget: ("DOUBLE_UNGET", "HYPERTABLE double unget"),
        .emptyBloomfilter: ("EMPTY_BLOOMFILTER", "HYPERTABLE empty bloom filter"),
        .bloomfilterChecksumMismatch: ("BLOOMFILTER_CHECKSUM_MISMATCH", "HYPERTABLE bloom filter checksum mismatch"),
        .nameAlreadyInUse: ("NAME_ALREADY_IN_USE", "HYPERTABLE name already in use"),
        .namespaceDoesNotExist: ("NAMESPACE_DOES_NOT_EXIST", "HYPERTABLE namespace does not exist"),
        .badNamespace: ("BAD_NAMESPACE", "HYPERTABLE bad namespace"),
        .namespaceExists: ("NAMESPACE_EXISTS", "HYPERTABLE namespace exists"),
        .noResponse: ("NO_RESPONSE", "HYPERTABLE no response"),
        .notAllowed: ("NOT_ALLOWED", "HYPERTABLE not allowed"),
        .inducedFailure: ("INDUCED_FAILURE", "HYPERTABLE induced failure"),
        .serverShuttingDown: ("SERVER_SHUTTING_DOWN", "HYPERTABLE server shutting down"),
        .locationUnassigned: ("LOCATION_UNASSIGNED", "HYPERTABLE location unassigned"),
        .alreadyExists: ("ALREADY_EXISTS", "HYPERTABLE cell already exists"),
        .checksumMismatch: ("CHECKSUM_MISMATCH", "HYPERTABLE checksum mismatch"),
        .closed: ("CLOSED", "HYPERTABLE closed"),
        .rangeserverNotFound: ("RANGESERVER_NOT_FOUND", "HYPERTABLE RangeServer not found"),
        .connectionNotInitialized: ("CONNECTION_NOT_INITIALIZED", "HYPERTABLE connection not initialized"),
        .duplicateRange: ("DUPLICATE_RANGE", "HYPERTABLE duplicate range"),
        .invalidPseudoTableName: ("INVALID_PSEUDO_TABLE_NAME", "HYPERTABLE invalid pseudo-table name"),
        .badFormat: ("BAD_FORMAT", "HYPERTABLE bad format"),
        .invalidArgument: ("INVALID_ARGUMENT", "HYPERTABLE invalid argument"),
        .invalidOperation: ("INVALID_OPERATION", "HYPERTABLE invalid operation"),
        .unsupportedOperation: ("UNSUPPORTED_OPERATION", "HYPERTABLE unsupported operation"),
        .columnFamilyNotFound: ("COLUMN_FAMILY_NOT_FOUND", "HYPERTABLE column family not found"),
        .nothingToDo: ("NOTHING_TO_DO", "HYPERTABLE nothing to do"),
        .incompatibleOptions: ("INCOMPATIBLE_OPTIONS", "HYPERTABLE incompatible options"),
        .badValue: ("BAD_VALUE", "HYPERTABLE bad value"),
        .schemaGenerationMismatch: ("SCHEMA_GENERATION_MISMATCH", "HYPERTABLE schema generation mismatch"),
        .invalidMethodIdentifier: ("INVALID_METHOD_IDENTIFIER", "HYPERTABLE invalid method identifier"),
        .serverNotReady: ("SERVER_NOT_READY", "HYPERTABLE server not ready"),
        .configBadArgument: ("CONFIG_BAD_ARGUMENT", "CONFIG bad argument(s)"),
        .configBadCfgFile: ("CONFIG_BAD_CFG_FILE", "CONFIG bad cfg file"),
        .configGetError: ("CONFIG_GET_ERROR", "CONFIG failed to get config value"),
        .configBadValue: ("CONFIG_BAD_VALUE", "CONFIG bad config value"),
        .commNotConnected: ("COMM_NOT_CONNECTED", "COMM not connected"),
        .commBrokenConnection: ("COMM_BROKEN_CONNECTION", "COMM broken connection"),
        .commConnectError: ("COMM_CONNECT_ERROR", "COMM connect error"),
        .commAlreadyConnected: ("COMM_ALREADY_CONNECTED", "COMM already connected"),
        .commSendError: ("COMM_SEND_ERROR", "COMM send error"),
        .commReceiveError: ("COMM_RECEIVE_ERROR", "COMM receive error"),
        .commPollError: ("COMM_POLL_ERROR", "COMM poll error"),
        .commConflictingAddress: ("COMM_CONFLICTING_ADDRESS", "COMM conflicting address"),
        .commSocketError: ("COMM_SOCKET_ERROR", "COMM socket error"),
        .commBindError: ("COMM_BIND_ERROR", "COMM bind error"),
        .commListenError: ("COMM_LISTEN_ERROR", "COMM listen error"),
        .commHeaderChecksumMismatch: ("COMM_HEADER_CHECKSUM_MISMATCH", "COMM header checksum mismatch"),
        .commPayloadChecksumMismatch: ("COMM_PAYLOAD_CHECKSUM_MISMATCH", "COMM payload checksum mismatch"),
        .commBadHeader: ("COMM_BAD_HEADER", "COMM bad header"),
        .commInvalidProxy: ("COMM_INVALID_PROXY", "COMM invalid proxy"),
        .fsbrokerBadFileHandle: ("FSBROKER_BAD_FILE_HANDLE", "FS BROKER bad file handle"),
        .fsbrokerIoError: ("FSBROKER_IO_ERROR", "FS BROKER i/o error"),
        .fsbrokerFileNotFound: ("FSBROKER_FILE_NOT_FOUND", "FS BROKER file not found"),
        .fsbrokerBadFilename: ("FSBROKER_BAD_FILENAME", "FS BROKER bad filename"),
        .fsbrokerPermissionDenied: ("FSBROKER_PERMISSION_DENIED", "FS BROKER permission denied"),
        .fsbrokerInvalidArgument: ("FSBROKER_INVALID_ARGUMENT", "FS BROKER invalid argument"),
        .fsbrokerInvalidConfig: ("FSBROKER_INVALID_CONFIG", "FS BROKER invalid config value"),
        .fsbrokerEof: ("FSBROKER_EOF", "FS BROKER end of file"),
        .hyperspaceIoError: ("HYPERSPACE_IO_ERROR", "HYPERSPACE i/o error"),
        .hyperspaceCreateFailed: ("HYPERSPACE_CREATE_FAILED", "HYPERSPACE create failed"),
        .hyperspaceFileNotFound: ("HYPERSPACE_FILE_NOT_FOUND", "HYPERSPACE file not found"),
        .hyperspaceAttrNotFound: ("HYPERSPACE_ATTR_NOT_FOUND", "HYPERSPACE attribute not found"),
        .hyperspaceDeleteError: ("HYPERSPACE_DELETE_ERROR", "HYPERSPACE delete error"),
        .hyperspaceBadPathname: ("HYPERSPACE_BAD_PATHNAME", "HYPERSPACE bad pathname"),
        .hyperspacePermissionDenied: ("HYPERSPACE_PERMISSION_DENIED", "HYPERSPACE permission denied"),
        .hyperspaceExpiredSession: ("HYPERSPACE_EXPIRED_SESSION", "HYPERSPACE expired session"),
        .hyperspaceFileExists: ("HYPERSPACE_FILE_EXISTS", "HYPERSPACE file exists"),
        .hyperspaceIsDirectory: ("HYPERSPACE_IS_DIRECTORY", "HYPERSPACE is directory"),
        .hyperspaceInvalidHandle: ("HYPERSPACE_INVALID_HANDLE", "HYPERSPACE invalid handle"),
        .hyperspaceRequestCancelled: ("HYPERSPACE_REQUEST_CANCELLED", "HYPERSPACE request cancelled"),
        .hyperspaceModeRestriction: ("HYPERSPACE_MODE_RESTRICTION", "HYPERSPACE mode restriction"),
        .hyperspaceAlreadyLocked: ("HYPERSPACE_ALREADY_LOCKED", "HYPERSPACE already locked"),
        .hyperspaceLockConflict: ("HYPERSPACE_LOCK_CONFLICT", "HYPERSPACE lock conflict"),
        .hyperspaceNotLocked: ("HYPERSPACE_NOT_LOCKED", "HYPERSPACE not locked"),
        .hyperspaceBadAttribute: ("HYPERSPACE_BAD_ATTRIBUTE", "HYPERSPACE bad attribute"),
        .hyperspaceBerkeleydbError: ("HYPERSPACE_BERKELEYDB_ERROR", "HYPERSPACE Berkeley DB error"),
        .hyperspaceDirNotEmpty: ("HYPERSPACE_DIR_NOT_EMPTY", "HYPERSPACE directory not empty"),
        .hyperspaceBerkeleydbDeadlock: ("HYPERSPACE_BERKELEYDB_DEADLOCK", "HYPERSPACE Berkeley DB deadlock"),
        .hyperspaceBerkeleydbRepHandleDead: ("HYPERSPACE_BERKELEYDB_REP_HANDLE_DEAD", "HYPERSPACE Berkeley DB replication handle dead"),
        .hyperspaceFileOpen: ("HYPERSPACE_FILE_OPEN", "HYPERSPACE file open"),
        .hyperspaceCliParseError: ("HYPERSPACE_CLI_PARSE_ERROR", "HYPERSPACE CLI parse error"),
        .hyperspaceCreateSessionFailed: ("HYPERSPACE_CREATE_SESSION_FAILED", "HYPERSPACE unable to create session "),
        .hyperspaceNotMasterLocation: ("HYPERSPACE_NOT_MASTER_LOCATION", "HYPERSPACE not master location"),
        .hyperspaceStatedbError: ("HYPERSPACE_STATEDB_ERROR", "HYPERSPACE State DB error"),
        .hyperspaceStatedbDeadlock: ("HYPERSPACE_STATEDB_DEADLOCK", "HYPERSPACE State DB deadlock"),
        .hyperspaceStatedbBadKey: ("HYPERSPACE_STATEDB_BAD_KEY", "HYPERSPACE State DB bad key"),
        .hyperspaceStatedbBadValue: ("HYPERSPACE_STATEDB_BAD_VALUE", "HYPERSPACE State DB bad value"),
        .hyperspaceStatedbAlreadyDeleted: ("HYPERSPACE_STATEDB_ALREADY_DELETED", "HYPERSPACE State DB attempt to access/delete previously deleted state"),
        .hyperspaceStatedbEventExists: ("HYPERSPACE_STATEDB_EVENT_EXISTS", "HYPERSPACE State DB event exists"),
        .hyperspaceStatedbEventNotExists: ("HYPERSPACE_STATEDB_EVENT_NOT_EXISTS", "HYPERSPACE State DB event does not exist"),
        .hyperspaceStatedbEventAttrNotFound: ("HYPERSPACE_STATEDB_EVENT_ATTR_NOT_FOUND", "HYPERSPACE State DB event attr not found"),
        .hyperspaceStatedbSessionExists: ("HYPERSPACE_STATEDB_SESSION_EXISTS", "HYPERSPACE State DB session exists"),
        .hyperspaceStatedbSessionNotExists: ("HYPERSPACE_STATEDB_SESSION_NOT_EXISTS", "HYPERSPACE State DB session does not exist"),
        .hyperspaceStatedbSessionAttrNotFound: ("HYPERSPACE_STATEDB_SESSION_ATTR_NOT_FOUND", "HYPERSPACE State DB session attr not found"),
        .hyperspaceStatedbHandleExists: ("HYPERSPACE_STATEDB_HANDLE_EXISTS", "HYPERSPACE State DB handle exists"),
        .hyperspaceStatedbHandleNotExists: ("HYPERSPACE_STATEDB_HANDLE_NOT_EXISTS", "HYPERSPACE State DB handle does not exist"),
        .hyperspaceStatedbHandleAttrNotFound: ("HYPERSPACE_STATEDB_HANDLE_ATTR_NOT_FOUND", "HYPERSPACE State DB handle attr not found"),
        .hyperspaceStatedbNodeExists: ("HYPERSPACE_STATEDB_NODE_EXISTS", "HYPERSPACE State DB node exists"),
        .hyperspaceStatedbNodeNotExists: ("HYPERSPACE_STATEDB_NODE_NOT_EXISTS", "HYPERSPACE State DB node does not exist"),
        .hyperspaceStatedbNodeAttrNotFound: ("HYPERSPACE_STATEDB_NODE_ATTR_NOT_FOUND", "HYPERSPACE State DB node attr not found"),
        .hyperspaceVersionMismatch: ("HYPERSPACE_VERSION_MISMATCH", "HYPERSPACE client/server protocol version mismatch"),
        .masterTableExists: ("MASTER_TABLE_EXISTS", "MASTER table exists"),
        .masterBadSchema: ("MASTER_BAD_SCHEMA", "MASTER bad schema"),
        .masterNotRunning: ("MASTER_NOT_RUNNING", "MASTER not running"),
        .masterNoRangeservers: ("MASTER_NO_RANGESERVERS", "MASTER no range servers"),
        .masterFileNotLocked: ("MASTER_FILE_NOT_LOCKED", "MASTER file not locked"),
        .masterRangeserverAlreadyRegistered: ("MASTER_RANGESERVER_ALREADY_REGISTERED", "MASTER range server with same location already registered"),
        .masterBadColumnFamily: ("MASTER_BAD_COLUMN_FAMILY", "MASTER bad column family"),
        .masterSchemaGenerationMismatch: ("MASTER_SCHEMA_GENERATION_MISMATCH", "Master schema generation mismatch"),
        .masterLocationAlreadyAssigned: ("MASTER_LOCATION_ALREADY_ASSIGNED", "MASTER location already assigned"),
        .masterLocationInvalid: ("MASTER_LOCATION_INVALID", "MASTER location invalid"),
        .masterOperationInProgress: ("MASTER_OPERATION_IN_PROGRESS", "MASTER operation in progress"),
        .masterRangeserverInRecovery: ("MASTER_RANGESERVER_IN_RECOVERY", "MASTER RangeServer in recovery"),
        .masterBalancePrevented: ("MASTER_BALANCE_PREVENTED", "MASTER balance operation prevented"),
        .rangeserverGenerationMismatch: ("RANGESERVER_GENERATION_MISMATCH", "RANGE SERVER generation mismatch"),
        .rangeserverRangeAlreadyLoaded: ("RANGESERVER_RANGE_ALREADY_LOADED", "RANGE SERVER range already loaded"),
        .rangeserverRangeMismatch: ("RANGESERVER_RANGE_MISMATCH", "RANGE SERVER range mismatch"),
        .rangeserverNonexistentRange: ("RANGESERVER_NONEXISTENT_RANGE", "RANGE SERVER non-existent range"),
        .rangeserverOutOfRange: ("RANGESERVER_OUT_OF_RANGE", "RANGE SERVER out of range"),
        .rangeserverRangeNotFound: ("RANGESERVER_RANGE_NOT_FOUND", "RANGE SERVER range not found"),
        .rangeserverInvalidScannerID: ("RANGESERVER_INVALID_SCANNER_ID", "RANGE SERVER invalid scanner id"),
        .rangeserverSchemaParseError: ("RANGESERVER_SCHEMA_PARSE_ERROR", "RANGE SERVER schema parse error"),
        .rangeserverSchemaInvalidCfid: ("RANGESERVER_SCHEMA_INVALID_CFID", "RANGE SERVER invalid column family id"),
        .rangeserverInvalidColumnfamily: ("RANGESERVER_INVALID_COLUMNFAMILY", "RANGE SERVER invalid column family"),
        .rangeserverTruncatedCommitLog: ("RANGESERVER_TRUNCATED_COMMIT_LOG", "RANGE SERVER truncated commit log"),
        .rangeserverNoMetadataForRange: ("RANGESERVER_NO_METADATA_FOR_RANGE", "RANGE SERVER no metadata for range"),
        .rangeserverShuttingDown: ("RANGESERVER_SHUTTING_DOWN", "RANGE SERVER shutting down"),
        .rangeserverCorruptCommitLog: ("RANGESERVER_CORRUPT_COMMIT_LOG", "RANGE SERVER corrupt commit log"),
        .rangeserverUnavailable: ("RANGESERVER_UNAVAILABLE", "RANGE SERVER unavailable"),
        .rangeserverRevisionOrderError: ("RANGESERVER_REVISION_ORDER_ERROR", "RANGE SERVER supplied revision is not strictly increasing"),
        .rangeserverRowOverflow: ("RANGESERVER_ROW_OVERFLOW", "RANGE SERVER row overflow"),
        .rangeserverTableNotFound: ("RANGESERVER_TABLE_NOT_FOUND", "RANGE SERVER table not found"),
        .rangeserverBadScanSpec: ("RANGESERVER_BAD_SCAN_SPEC", "RANGE SERVER bad scan specification"),
        .rangeserverClockSkew: ("RANGESERVER_CLOCK_SKEW", "RANGE SERVER clock skew detected"),
        .rangeserverBadCellstoreFilename: ("RANGESERVER_BAD_CELLSTORE_FILENAME", "RANGE SERVER bad CellStore filename"),
        .rangeserverCorruptCellstore: ("RANGESERVER_CORRUPT_CELLSTORE", "RANGE SERVER corrupt CellStore"),
        .rangeserverTableDropped: ("RANGESERVER_TABLE_DROPPED", "RANGE SERVER table dropped"),
        .rangeserverUnexpectedTableID: ("RANGESERVER_UNEXPECTED_TABLE_ID", "RANGE SERVER unexpected table ID"),
        .rangeserverRangeBusy: ("RANGESERVER_RANGE_BUSY", "RANGE SERVER range busy"),
        .rangeserverBadCellInterval: ("RANGESERVER_BAD_CELL_INTERVAL", "RANGE SERVER bad cell interval"),
        .rangeserverShortCellstoreRead: ("RANGESERVER_SHORT_CELLSTORE_READ", "RANGE SERVER short cellstore read"),
        .rangeserverRangeNotActive: ("RANGESERVER_RANGE_NOT_ACTIVE", "RANGE SERVER range no longer active"),
        .rangeserverFragmentAlreadyProcessed: ("RANGESERVER_FRAGMENT_ALREADY_PROCESSED", "RANGE SERVER fragment already processed"),
        .rangeserverRecoveryPlanGenerationMismatch: ("RANGESERVER_RECOVERY_PLAN_GENERATION_MISMATCH", "RANGE SERVER recovery plan generation mismatch"),
        .rangeserverPhantomRangeMapNotFound: ("RANGESERVER_PHANTOM_RANGE_MAP_NOT_FOUND", "RANGE SERVER phantom range map not found"),
        .rangeserverRangesAlreadyLive: ("RANGESERVER_RANGES_ALREADY_LIVE", "RANGE SERVER ranges already live"),
        .rangeserverRangeNotYetAcknowledged: ("RANGESERVER_RANGE_NOT_YET_ACKNOWLEDGED", "RANGE SERVER range not yet acknowledged"),
        .rangeserverServerInReadonlyMode: ("RANGESERVER_SERVER_IN_READONLY_MODE", "RANGE SERVER server in readonly mode"),
        .rangeserverRangeNotYetRelinquished: ("RANGESERVER_RANGE_NOT_YET_RELINQUISHED", "RANGE SERVER range not yet relinquished"),
        .hqlBadLoadFileFormat: ("HQL_BAD_LOAD_FILE_FORMAT", "HQL bad load file format"),
        .hqlBadCommand: ("HQL_BAD_COMMAND", "HQL bad command"),
        .metalogError: ("METALOG_ERROR", "metalog error"),
        .metalogVersionMismatch: ("METALOG_VERSION_MISMATCH", "METALOG version mismatch"),
        .metalogBadRsHeader: ("METALOG_BAD_RS_HEADER", "METALOG bad range server metalog header"),
        .metalogBadHeader: ("METALOG_BAD_HEADER", "METALOG bad metalog header"),
        .metalogEntryTruncated: ("METALOG_ENTRY_TRUNCATED", "METALOG entry truncated"),
        .metalogChecksumMismatch: ("METALOG_CHECKSUM_MISMATCH", "METALOG checksum mismatch"),
        .metalogEntryBadType: ("METALOG_ENTRY_BAD_TYPE", "METALOG bad entry type"),
        .metalogEntryBadOrder: ("METALOG_ENTRY_BAD_ORDER", "METALOG entry out of order"),
        .metalogMissingRecoverEntity: ("METALOG_MISSING_RECOVER_ENTITY", "METALOG missing RECOVER entity"),
        .metalogBackupFileMismatch: ("METALOG_BACKUP_FILE_MISMATCH", "METALOG backup file mismatch"),
        .metalogReadError: ("METALOG_READ_ERROR", "METALOG read error"),
        .serializationInputOverrun: ("SERIALIZATION_INPUT_OVERRUN", "SERIALIZATION input buffer overrun"),
        .serializationBadVint: ("SERIALIZATION_BAD_VINT", "SERIALIZATION bad vint encoding"),
        .serializationBadVstr: ("SERIALIZATION_BAD_VSTR", "SERIALIZATION bad vstr encoding"),
        .serializationVersionMismatch: ("SERIALIZATION_VERSION_MISMATCH", "SERIALIZATION version mismatch"),
        .thriftBrokerBadScannerID: ("THRIFTBROKER_BAD_SCANNER_ID", "THRIFT BROKER bad scanner id"),
        .thriftBrokerBadMutatorID: ("THRIFTBROKER_BAD_MUTATOR_ID", "THRIFT BROKER bad mutator id"),
        .thriftBrokerBadNamespaceID: ("THRIFTBROKER_BAD_NAMESPACE_ID", "THRIFT BROKER bad namespace id"),
        .thriftBrokerBadFutureID: ("THRIFTBROKER_BAD_FUTURE_ID", "THRIFT BROKER bad future id"),
    ]
}

