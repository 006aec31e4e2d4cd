import CGLib
#if canImport(Glibc)
import Glibc
#endif

/// A parsed GKeyFile (the `rtpengine.conf` format), owned by this object.
///
/// GLib's own parser is used so `;` lists, escapes, comments and booleans behave exactly as
/// in the files operators already run rtpengine with.
public final class KeyFile {
    private let handle: OpaquePointer

    /// Loads `path`; throws with GLib's message (which names the offending line) on failure.
    public init(path: String) throws(KeyFileError) {
        handle = g_key_file_new()
        var error: UnsafeMutablePointer<GError>?
        if g_key_file_load_from_file(handle, path, G_KEY_FILE_NONE, &error) == 0 {
            // deinit frees the handle: this object is fully initialised when it throws.
            throw KeyFileError(consuming: error)
        }
    }

    /// Parses key-file text held in memory.
    public init(text: String) throws(KeyFileError) {
        handle = g_key_file_new()
        var error: UnsafeMutablePointer<GError>?
        let ok = text.withCString { g_key_file_load_from_data(handle, $0, gsize(strlen($0)), G_KEY_FILE_NONE, &error) }
        if ok == 0 {
            // deinit frees the handle: this object is fully initialised when it throws.
            throw KeyFileError(consuming: error)
        }
    }

    deinit { g_key_file_free(handle) }

    public var groups: [String] {
        var count: gsize = 0
        guard let list = g_key_file_get_groups(handle, &count) else { return [] }
        defer { g_strfreev(list) }
        return Self.strings(list, count)
    }

    public func hasGroup(_ group: String) -> Bool {
        g_key_file_has_group(handle, group) != 0
    }

    /// The keys of `group` in file order.
    public func keys(in group: String) -> [String] {
        var count: gsize = 0
        guard let list = g_key_file_get_keys(handle, group, &count, nil) else { return [] }
        defer { g_strfreev(list) }
        return Self.strings(list, count)
    }

    /// The value exactly as written (no unescaping), for error messages.
    public func rawValue(group: String, key: String) -> String? {
        guard let v = g_key_file_get_value(handle, group, key, nil) else { return nil }
        defer { g_free(v) }
        return String(cString: v)
    }

    public func string(group: String, key: String) throws(KeyFileError) -> String {
        var error: UnsafeMutablePointer<GError>?
        guard let v = g_key_file_get_string(handle, group, key, &error) else {
            throw KeyFileError(consuming: error)
        }
        defer { g_free(v) }
        return String(cString: v)
    }

    public func bool(group: String, key: String) throws(KeyFileError) -> Bool {
        var error: UnsafeMutablePointer<GError>?
        let v = g_key_file_get_boolean(handle, group, key, &error)
        if error != nil { throw KeyFileError(consuming: error) }
        return v != 0
    }

    public func int(group: String, key: String) throws(KeyFileError) -> Int {
        var error: UnsafeMutablePointer<GError>?
        let v = g_key_file_get_int64(handle, group, key, &error)
        if error != nil { throw KeyFileError(consuming: error) }
        return Int(v)
    }

    public func double(group: String, key: String) throws(KeyFileError) -> Double {
        var error: UnsafeMutablePointer<GError>?
        let v = g_key_file_get_double(handle, group, key, &error)
        if error != nil { throw KeyFileError(consuming: error) }
        return v
    }

    public func stringList(group: String, key: String) throws(KeyFileError) -> [String] {
        var error: UnsafeMutablePointer<GError>?
        var count: gsize = 0
        guard let list = g_key_file_get_string_list(handle, group, key, &count, &error) else {
            throw KeyFileError(consuming: error)
        }
        defer { g_strfreev(list) }
        return Self.strings(list, count)
    }

    public func intList(group: String, key: String) throws(KeyFileError) -> [Int] {
        var error: UnsafeMutablePointer<GError>?
        var count: gsize = 0
        guard let list = g_key_file_get_integer_list(handle, group, key, &count, &error) else {
            throw KeyFileError(consuming: error)
        }
        defer { g_free(list) }
        return (0..<Int(count)).map { Int(list[$0]) }
    }

    private static func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>, _ count: gsize) -> [String] {
        (0..<Int(count)).compactMap { list[$0].map { String(cString: $0) } }
    }
}

/// A GLib key-file error: its message, as GLib words it (with line numbers for syntax errors).
public struct KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    init(consuming error: UnsafeMutablePointer<GError>?) {
        if let error {
            description = error.pointee.message.map { String(cString: $0) } ?? "unknown GLib error"
            g_error_free(error)
        } else {
            description = "unknown GLib error"
        }
    }
}
