import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Sends service state to systemd over `NOTIFY_SOCKET` (sd_notify(3)). Without that
/// variable every call is a no-op, so the daemon calls it unconditionally.
public enum SystemdNotifier {
    /// Whether a supervisor asked for notifications.
    public static var isEnabled: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Sends `state` (e.g. `READY=1`); returns whether a message was sent.
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    public static func ready(status: String? = nil) {
        notify(status.map { "READY=1\nSTATUS=\($0)" } ?? "READY=1")
    }

    public static func stopping() { notify("STOPPING=1") }
}
