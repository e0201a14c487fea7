import HypertableClient

/// Hypertable's `LoadDataEscape`: how cells are written to and read from the tab-separated
/// text of LOAD DATA files, SELECT output and index-table keys.
enum LoadDataEscape {
    /// `LoadDataEscape::escape` with a tab separator: backslash, newline, tab and NUL written as
    /// `\\`, `\n`, `\t`, `\0`, so a cell stays on one line and within its field.
    static func escape(_ bytes: Bytes) -> Bytes {
        guard bytes.contains(where: { $0 == 0x5C || $0 == 0x0A || $0 == 0x09 || $0 == 0 }) else { return bytes }
        var out: Bytes = []
        out.reserveCapacity(bytes.count + 8)
        for b in bytes {
            switch b {
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x09: out += [0x5C, 0x74]
            case 0: out += [0x5C, 0x30]
            default: out.append(b)
            }
        }
        return out
    }

    /// `LoadDataEscape::unescape`: `\\` `\n` `\t` `\0` back to their bytes, any other
    /// backslash kept.
    static func unescape(_ bytes: ArraySlice<UInt8>) -> Bytes {
        guard bytes.contains(0x5C) else { return Array(bytes) }
        var out: Bytes = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x5C, i + 1 < bytes.endIndex {
                switch bytes[i + 1] {
                case 0x5C: out.append(0x5C); i += 2; continue
                case 0x6E: out.append(0x0A); i += 2; continue
                case 0x74: out.append(0x09); i += 2; continue
                case 0x30: out.append(0); i += 2; continue
                default: break
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }
}
