import CSRTP

/// libsrtp2's global state. `srtp_init` must run once before any SRTP session is created;
/// `initialize()` does that and is safe to call repeatedly.
public enum SRTPLibrary {
    public struct InitError: Error, CustomStringConvertible {
        public let status: Int
        public var description: String { "srtp_init failed with status \(status)" }
    }

    private static let initStatus: Int = Int(srtp_init().rawValue)

    public static func initialize() throws(InitError) {
        let status = initStatus
        if status != Int(srtp_err_status_ok.rawValue) { throw InitError(status: status) }
    }

    public static var version: String { String(cString: srtp_get_version_string()) }
}
