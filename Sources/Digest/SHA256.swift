import COpenSSL

/// SHA-256 through OpenSSL's EVP interface (used for DTLS certificate fingerprints).
public enum SHA256 {
    public static let byteCount = 32

    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = Array(data).withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1 && length == byteCount, "EVP_Digest(SHA-256) failed")
        return Array(out.prefix(Int(length)))
    }

    /// Lowercase hex, as in log lines and tests.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s = [UInt8]()
        s.reserveCapacity(digest.count * 2)
        for b in digest {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0xf)])
        }
        return String(decoding: s, as: UTF8.self)
    }
}

/// The linked OpenSSL library's version text, for the start-up log.
public enum OpenSSLLibrary {
    public static var version: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}
